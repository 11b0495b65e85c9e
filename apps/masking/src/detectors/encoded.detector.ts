import { DetectionContext, Detector, NO_CONTEXT, Span } from './detector';

const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}/g;
const URL_ENCODED_RUN = /(?<![^\s"'<>%=&?])[^\s"'<>%=&?]*(?:%[0-9A-Fa-f]{2}[^\s"'<>%=&?]*){2,}/g;
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

  constructor(private readonly inner: (text: string, context: DetectionContext) => Span[]) {}

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
    pattern: RegExp,
    decode: (run: string) => string | undefined,
    into: Span[],
  ) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (m[0].length > MAX_RUN) continue;
      const decoded = decode(m[0]);
      if (decoded === undefined || decoded === m[0]) continue;
      const inside = this.inner(decoded, context);
      if (inside.length > 0) into.push({ start: m.index, end: m.index + m[0].length, entity: inside[0].entity });
    }
  }
}
