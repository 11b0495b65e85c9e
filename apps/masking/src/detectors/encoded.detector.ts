import { DetectionContext, Detector, NO_CONTEXT, Span } from './detector';
import { T_PERCENT, T_RUN } from './prefilter';

/** Base64 and base64url characters, by code: a table scan is several times faster than a regular expression here. */
const BASE64 = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') BASE64[c.charCodeAt(0)] = 1;
const MIN_RUN = 24;
const HEX_RUN = /^[0-9a-f-]+$|^[0-9A-F-]+$/;

/** Runs of at least MIN_RUN base64 characters (with their `=` padding), as a global-regex-like iterator. */
const BASE64_RUN = {
  lastIndex: 0,
  exec(text: string): RegExpExecArray | null {
    let i = this.lastIndex;
    while (i < text.length) {
      while (i < text.length && !(text.charCodeAt(i) < 128 && BASE64[text.charCodeAt(i)])) i++;
      const start = i;
      while (i < text.length && text.charCodeAt(i) < 128 && BASE64[text.charCodeAt(i)]) i++;
      if (i - start >= MIN_RUN) {
        for (let pad = 0; pad < 2 && text[i] === '='; pad++) i++;
        this.lastIndex = i;
        return Object.assign([text.slice(start, i)], { index: start, input: text }) as unknown as RegExpExecArray;
      }
    }
    this.lastIndex = text.length;
    return null;
  },
};
const URL_ENCODED_RUN = /(?<![^\s"'<>%=&?])[^\s"'<>%=&?]*(?:%[0-9A-Fa-f]{2}[^\s"'<>%=&?]*){1,}/g;
/** Longest encoded run that is decoded and looked into; longer ones are scanned as they are. */
const MAX_RUN = 64 * 1024;

/** Decoded bytes that read as text: valid UTF-8, mostly printable. */
function asText(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  if (text.length < 8 || text.includes('\uFFFD')) return undefined;
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13 || c > 159) printable++;
  }
  return printable / text.length >= 0.95 ? text : undefined;
}

/**
 * Secrets and PII hidden by an encoding: a base64 (or base64url) or URL-encoded run is decoded, and
 * when the inner detectors find something in the decoded text, the whole encoded run is masked with
 * the type found inside. One level deep: what the inner scan sees is not decoded again.
 */
export class EncodedDetector implements Detector {
  readonly entity = 'encoded';
  readonly triggers = T_RUN | T_PERCENT;

  constructor(private readonly inner: (text: string, context: DetectionContext) => readonly Span[]) {}

  find(text: string, context: DetectionContext = NO_CONTEXT): Span[] {
    const spans: Span[] = [];
    this.look(
      text,
      context,
      BASE64_RUN,
      (run) =>
        asText(
          Buffer.from(
            run.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')),
            'base64',
          ),
        ),
      spans,
    );
    if (text.includes('%'))
      this.look(
        text,
        context,
        URL_ENCODED_RUN,
        (run) => {
          try {
            return decodeURIComponent(run.replace(/\+/g, ' '));
          } catch {
            return undefined;
          }
        },
        spans,
      );
    return spans.sort((a, b) => a.start - b.start);
  }

  private look(
    text: string,
    context: DetectionContext,
    pattern: Pick<RegExp, 'lastIndex' | 'exec'>,
    decode: (run: string) => string | undefined,
    into: Span[],
  ) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      // Hex runs are hashes, SHAs and ids (never masked); base64 of text is not all hex digits.
      if (m[0].length > MAX_RUN || HEX_RUN.test(m[0])) continue;
      const decoded = decode(m[0]);
      if (decoded === undefined || decoded === m[0]) continue;
      const inside = this.inner(decoded, context);
      if (inside.length > 0) into.push({ start: m.index, end: m.index + m[0].length, entity: inside[0].entity });
    }
  }
}
