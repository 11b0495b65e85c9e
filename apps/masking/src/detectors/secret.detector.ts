import { Detector, Span } from './detector';
import { T_PEM, T_RUN } from './prefilter';

/** One vendor's credential format: a literal that must occur (cheap prefilter) and the pattern itself. */
interface SecretRule {
  entity: string;
  /** Literals of which one must occur: checked for all rules in one pass. */
  hint: string | string[];
  pattern: RegExp;
  /** The capture group that holds the secret (0 = the whole match). */
  group?: number;
}

const B = '(?<![A-Za-z0-9_-])'; // not inside a longer token
const E = '(?![A-Za-z0-9_-])';
const rule = (entity: string, hint: string | string[], source: string, group = 0): SecretRule => ({
  entity,
  hint,
  pattern: new RegExp(source, 'g'),
  group,
});

/**
 * Well-formed credentials recognisable by their own shape. Every pattern starts with a literal
 * prefix and has bounded, unambiguous repetition, so each runs in linear time; a rule's pattern
 * runs only when its prefix literal occurs in the text.
 */
export const SECRET_RULES: readonly SecretRule[] = [
  rule(
    'aws_access_key',
    ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    `${B}(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}${E}`,
  ),
  rule('gcp_api_key', 'AIza', `${B}AIza[0-9A-Za-z_-]{35}${E}`),
  rule('azure_key', 'AccountKey=', 'AccountKey=([A-Za-z0-9+/]{86}==)', 1),
  rule('azure_key', 'SharedAccessKey=', 'SharedAccessKey=([A-Za-z0-9+/]{43}=)', 1),
  rule('azure_key', 'Q~', `${B}[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}${E}`),
  rule('github_token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], `${B}gh[pousr]_[A-Za-z0-9_.-]{30,400}${E}`),
  rule('github_token', 'github_pat_', `${B}github_pat_[A-Za-z0-9_]{60,255}${E}`),
  rule(
    'gitlab_token',
    ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'glsoat-', 'glft-', 'glcbt-', 'glimt-', 'glagent-', 'gloas-', 'glffct-'],
    `${B}gl(?:pat|dt|ptt|rt|soat|ft|cbt|imt|agent|oas|ffct)-[A-Za-z0-9_-]{20,64}${E}`,
  ),
  rule('gitlab_token', 'GR1348941', `${B}GR1348941[A-Za-z0-9_-]{20,64}${E}`),
  rule(
    'slack_token',
    ['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe-'],
    `${B}xox[abposre]-[A-Za-z0-9-]{10,250}${E}`,
  ),
  rule('slack_token', 'xoxe.', `${B}xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{100,250}${E}`),
  rule('slack_token', 'xapp-', `${B}xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+${E}`),
  rule(
    'slack_token',
    'hooks.slack.com',
    'https?://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,120}',
  ),
  // Secret and restricted keys; publishable keys (`pk_…`) are public by design.
  rule(
    'stripe_key',
    ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_'],
    `${B}(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247}${E}`,
  ),
  rule('stripe_key', 'whsec_', `${B}whsec_[A-Za-z0-9]{32,64}${E}`),
  rule(
    'openai_key',
    'T3BlbkFJ',
    `${B}sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{16,160}T3BlbkFJ[A-Za-z0-9_-]{16,160}${E}`,
  ),
  rule('openai_key', 'sk-proj-', `${B}sk-proj-[A-Za-z0-9_-]{40,200}${E}`),
  rule('api_key', 'sk-ant-', `${B}sk-ant-(?:api|admin|oat)\\d{2}-[A-Za-z0-9_-]{20,200}${E}`),
  rule('api_key', 'AGE-SECRET-KEY-1', `${B}AGE-SECRET-KEY-1[0-9A-Z]{58}${E}`),
  rule('api_key', 'ATATT3', `${B}ATATT3[A-Za-z0-9_=-]{100,260}`),
  rule('api_key', 'pplx-', `${B}pplx-[A-Za-z0-9]{40,60}${E}`),
  rule('api_key', 'sntrys_', `${B}sntrys_eyJ[A-Za-z0-9+/=_-]{40,400}`),
  rule('api_key', 'sntryu_', `${B}sntryu_[a-f0-9]{64}${E}`),
  rule('api_key', 'ops_eyJ', `${B}ops_eyJ[A-Za-z0-9+/=_-]{100,1200}`),
  rule('api_key', 'hf_', `${B}hf_[A-Za-z]{34}${E}`),
  rule('api_key', 'npm_', `${B}npm_[A-Za-z0-9]{36}${E}`),
  rule('api_key', 'pypi-', `${B}pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300}${E}`),
  rule('api_key', 'SG.', `${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${E}`),
  rule('api_key', 'xkeysib-', `${B}xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}${E}`),
  rule('api_key', ['dop_v1_', 'doo_v1_', 'dor_v1_'], `${B}do[por]_v1_[a-f0-9]{64}${E}`),
  rule('api_key', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], `${B}shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,40}${E}`),
  rule('api_key', 'lin_api_', `${B}lin_api_[A-Za-z0-9]{40}${E}`),
  rule('api_key', 'glsa_', `${B}glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}${E}`),
  rule('api_key', 'glc_', `${B}glc_[A-Za-z0-9+/]{32,400}={0,2}`),
  rule('api_key', 'dapi', `${B}dapi[a-fA-F0-9]{32}(?:-\\d)?${E}`),
  rule('api_key', 'PMAK-', `${B}PMAK-[a-f0-9]{24}-[a-f0-9]{34}${E}`),
  rule('api_key', ['sq0atp-', 'sq0csp-'], `${B}sq0(?:atp|csp)-[A-Za-z0-9_-]{22,43}${E}`),
  rule('api_key', ['EAAM', 'EAAC'], `${B}EAA[MC][A-Za-z0-9]{100,}${E}`),
  rule('api_key', 'EAAA', `${B}EAAA[A-Za-z0-9_-]{22,60}${E}`), // Square
  rule('api_key', ['hvs.', 'hvb.', 'hvr.'], `${B}hv[sbr]\\.[A-Za-z0-9_-]{24,400}${E}`), // HashiCorp Vault
  rule('api_key', '.atlasv1.', `${B}[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}${E}`), // Terraform Cloud
  rule('api_key', 'ntn_', `${B}ntn_\\d{11}[A-Za-z0-9]{32,40}${E}`), // Notion
  rule('api_key', 'HRKU-', `${B}HRKU-[A-Za-z0-9_-]{58,64}${E}`), // Heroku
  rule('api_key', ['fo1_', 'fm1r_', 'fm1a_', 'fm2_'], `${B}(?:fo1|fm1[ra]|fm2)_[A-Za-z0-9_+/=-]{40,400}${E}`), // Fly.io
  rule('api_key', 'tskey-', `${B}tskey-[a-z]+-[A-Za-z0-9]{8,}-[A-Za-z0-9]{16,}${E}`), // Tailscale
  rule('api_key', 'api_org_', `${B}api_org_[A-Za-z]{34}${E}`), // Hugging Face organisation
  rule('api_key', 'gsk_', `${B}gsk_[A-Za-z0-9]{48,56}${E}`), // Groq
  rule('api_key', ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'], `${B}vc[pikar]_[A-Za-z0-9]{24,80}${E}`), // Vercel
  rule('api_key', ['cfut_', 'cfk_'], `${B}cf(?:ut|k)_[A-Za-z0-9]{40,60}${E}`), // Cloudflare
  rule('api_key', 'sgp_', `${B}sgp_(?:[A-Fa-f0-9]{16}_)?[A-Fa-f0-9]{40}${E}`), // Sourcegraph
  rule('api_key', 'sha256~', `${B}sha256~[A-Za-z0-9_-]{43}${E}`), // OpenShift
  rule('api_key', '-us', `${B}[a-f0-9]{32}-us\\d{1,2}${E}`), // Mailchimp
  rule('api_key', ['pnu_', 'pnb_'], `${B}pn[ub]_[A-Za-z0-9]{36}${E}`), // Prefect
  rule('api_key', 'rdme_', `${B}rdme_[a-z0-9]{70}${E}`), // ReadMe
  rule('api_key', 'pul-', `${B}pul-[a-f0-9]{40}${E}`), // Pulumi
  rule('api_key', '|', `${B}\\d{15,16}\\|[A-Za-z0-9_-]{27,40}${E}`), // Facebook app access token
  rule('api_key', ['AC', 'SK'], `${B}(?:AC|SK)[a-f0-9]{32}${E}`),
  rule('api_key', 'v1.0-', `${B}v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}${E}`),
  rule('api_key', 'rubygems_', `${B}rubygems_[a-f0-9]{48}${E}`),
  rule('api_key', 'figd_', `${B}figd_[A-Za-z0-9_-]{40}${E}`),
  rule('api_key', 'nfp_', `${B}nfp_[A-Za-z0-9]{36}${E}`),
  rule('api_key', 'pscale_', `${B}pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64}${E}`),
  rule('api_key', 'dckr_pat_', `${B}dckr_pat_[A-Za-z0-9_-]{27}${E}`),
  rule('api_key', 'bedrock-api-key-', `${B}bedrock-api-key-[A-Za-z0-9+/=]{20,400}`),
  rule('api_key', 'ABSK', `${B}ABSK[A-Za-z0-9+/]{100,400}={0,2}`),
  rule('jwt', 'eyJ', `${B}eyJ[A-Za-z0-9_-]{5,4000}\\.eyJ[A-Za-z0-9_-]{5,8000}(?:\\.[A-Za-z0-9_-]{0,2000})?`),
];

const hints = (r: SecretRule) => (Array.isArray(r.hint) ? r.hint : [r.hint]);
/** Every hint literal in one alternation: one pass over the text tells which rules can match. */
const HINTS = new RegExp(
  [...new Set(SECRET_RULES.flatMap(hints))]
    .sort((a, b) => b.length - a.length)
    .map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'g',
);
const RULES_BY_HINT = new Map<string, SecretRule[]>();
for (const r of SECRET_RULES) for (const h of hints(r)) RULES_BY_HINT.set(h, [...(RULES_BY_HINT.get(h) ?? []), r]);

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;

/** PEM and OpenSSH private keys, from BEGIN to the matching END line (or to the end of the key body). */
function privateKeys(text: string, into: Span[]): void {
  if (!text.includes('PRIVATE KEY')) return;
  PEM_BEGIN.lastIndex = 0;
  for (let m = PEM_BEGIN.exec(text); m !== null; m = PEM_BEGIN.exec(text)) {
    const endMarker = `-----END ${m[1]}PRIVATE KEY${m[2] ?? ''}-----`;
    const endAt = text.indexOf(endMarker, m.index);
    let end: number;
    if (endAt !== -1) end = endAt + endMarker.length;
    else {
      const body = /^[A-Za-z0-9+/=\s\\n]*/.exec(text.slice(m.index + m[0].length));
      end = m.index + m[0].length + (body ? body[0].length : 0);
    }
    // A key body is hundreds of base64 characters; `…\nanything\n…` or `***` is a fixture.
    const body = text.slice(m.index + m[0].length, end).replace(/-----END[^-]*-----|\\n|[^A-Za-z0-9+/=]/g, '');
    if (body.length >= 64 && !lowEntropy(body)) into.push({ start: m.index, end, entity: 'private_key' });
    PEM_BEGIN.lastIndex = end;
  }
}

/** Placeholders that document a format rather than hold a secret: `AKIAIOSFODNN7EXAMPLE`, `sk_live_AAAA…`. */
function isExample(value: string): boolean {
  if (/EXAMPLE|example|XXXXXXXX|xxxxxxxx|(?:0123456789|1234567890).*(?:abcdef|ABCDEF)/.test(value)) return true;
  return lowEntropy(value);
}

/** A value that repeats a few characters (`AAAA…`, `1111…`, `abcabc…`): a fixture, not a generated key. */
function lowEntropy(value: string): boolean {
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) counts.set(value.charCodeAt(i), (counts.get(value.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / value.length) * Math.log2(n / value.length);
  return value.length >= 16 ? h < 3 : counts.size <= 3;
}

/** Slack tokens carry numeric workspace and user ids: `xoxb-12345-abcd234` or `xoxp-1-RANDOMSTRINGHERE` are fixtures. */
function plausibleSlack(value: string): boolean {
  if (value.startsWith('http')) return true;
  const digits = value.replace(/\D/g, '').length;
  return value.length >= 24 && digits >= 6 && !/here|token|example|random/i.test(value);
}

/** A JWT whose header and payload decode to JSON objects; anything else shaped like one is not a token. */
function isJwt(value: string): boolean {
  const [header, payload] = value.split('.');
  try {
    const h: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const p: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof h === 'object' && h !== null && typeof p === 'object' && p !== null;
  } catch {
    return false;
  }
}

/** Cloud keys, vendor tokens, JWTs and private keys, each typed by its vendor (`aws_access_key`, `slack_token`…). */
export class SecretDetector implements Detector {
  readonly entity = 'secret';
  readonly triggers = T_RUN | T_PEM;

  find(text: string): Span[] {
    const spans: Span[] = [];
    privateKeys(text, spans);
    const rules = new Set<SecretRule>();
    HINTS.lastIndex = 0;
    for (let h = HINTS.exec(text); h !== null; h = HINTS.exec(text))
      for (const r of RULES_BY_HINT.get(h[0]) ?? []) rules.add(r);
    for (const r of rules) {
      r.pattern.lastIndex = 0;
      for (let m = r.pattern.exec(text); m !== null; m = r.pattern.exec(text)) {
        const value = m[r.group ?? 0];
        if (r.entity === 'jwt' ? !isJwt(value) : isExample(value)) continue;
        if (r.entity === 'slack_token' && !plausibleSlack(value)) continue;
        const start = m.index + m[0].indexOf(value);
        spans.push({ start, end: start + value.length, entity: r.entity });
      }
    }
    return spans.sort((a, b) => a.start - b.start || b.end - a.end);
  }
}
