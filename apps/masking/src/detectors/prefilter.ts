/**
 * One pass over a text that finds where any detector could match, so detectors run only on those
 * windows instead of each scanning the whole text. Each window carries the kinds of trigger it
 * holds; a detector runs on a window only when the window holds one of its triggers.
 */

/** A digit: numbers of every kind (cards, phones, SSNs, IPs, dates, IBANs, house numbers). */
export const T_DIGIT = 1;
/** `@`: e-mail addresses, URL credentials. */
export const T_AT = 2;
/** `=`, `:`, `"`/`'` then `,`: assignments (`password=…`, `"token": "…"`, `f("KEY", "…")`), IPv6, URLs. */
export const T_ASSIGN = 4;
/** `%`: URL-encoded runs. */
export const T_PERCENT = 8;
/** A run of ≥ 16 token characters (`[A-Za-z0-9_+/=.~-]`): vendor tokens, JWTs, base64. */
export const T_RUN = 16;
/** `-----`: PEM armour. */
export const T_PEM = 32;
/** A capitalised word or the word "name": where free-text person names are looked for. */
export const T_NAME = 64;

export const T_ALL = 127;

/** Characters before a trigger that a detector may look at (cue words: "phone", "SSN", "born on"). */
const LEFT = 48;
/** Characters after a trigger: a value after `=`/`:` may run this far; a name has a few words. */
const RIGHT = 16;
const RIGHT_NAME = 48;
const RIGHT_ASSIGN = 256;
/** A window's edges move on to the next whitespace, at most this far, so no token is cut in two. */
const EDGE = 256;
/** Windows closer than this are merged. */
const GAP = 16;
const MIN_RUN = 16;

/** Token characters of a run (`[A-Za-z0-9_+/=.~-]`), by code. */
const TOKEN = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.~-') TOKEN[c.charCodeAt(0)] = 1;
/**
 * Characters that can start or sit in anything a detector finds. Irregexp skips the rest (lower-case
 * prose, spaces, punctuation) natively, many times faster than a JavaScript loop over char codes.
 */
const TRIGGER = /[0-9A-Z:=@%,\u0080-\uffff-]/g;

/**
 * Where the value assigned at `from` ends: after `=`, `==`, `=>`, spaces, a quoted value runs to its
 * closing quote, a bare one to whitespace; at most RIGHT_ASSIGN characters on.
 */
function valueEnd(text: string, from: number): number {
  const n = text.length;
  const limit = Math.min(n, from + RIGHT_ASSIGN);
  let p = from;
  while (
    p < limit &&
    (text.charCodeAt(p) === 61 || text.charCodeAt(p) === 62 || text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)
  )
    p++;
  const quote = text.charCodeAt(p);
  if (quote === 34 || quote === 39 || quote === 96) {
    for (let e = p + 1; e < limit; e++) {
      const c = text.charCodeAt(e);
      if (c === quote) return e + 1;
      if (c === 92) e++; // an escaped character
    }
    return limit;
  }
  let e = p;
  while (e < limit && !isSpace(text.charCodeAt(e))) e++;
  return e;
}

/**
 * A hash or git SHA (≥ 32 hex characters, no `-`) or a UUID (8-4-4-4-12), with at least one letter
 * and no run of 12 or more digits: no number detector can match inside it, so its digits mark
 * nothing (the T_RUN mark still covers it).
 */
function isHexId(text: string, start: number, end: number): boolean {
  const length = end - start;
  const uuid =
    length === 36 &&
    text.charCodeAt(start + 8) === 45 &&
    text.charCodeAt(start + 13) === 45 &&
    text.charCodeAt(start + 18) === 45 &&
    text.charCodeAt(start + 23) === 45;
  if (!uuid && length < 32) return false;
  let letter = false;
  let digits = 0;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (isDigit(c)) {
      if (++digits >= 12) return false;
      continue;
    }
    digits = 0;
    if (c >= 97 && c <= 102) letter = true;
    else if (!(uuid && c === 45)) return false;
  }
  return letter;
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
const isToken = (c: number) => c < 128 && TOKEN[c] === 1;

/**
 * Windows `[start, end)` with their trigger masks, flattened as `[start, end, mask, start, end, mask…]`.
 * Empty (the shared empty array, nothing allocated) when the text holds no trigger.
 */
export function findWindows(text: string): number[] {
  // Clean text: one native scan, no closure, no array.
  TRIGGER.lastIndex = 0;
  if (!TRIGGER.test(text) && text.indexOf('name') === -1) return EMPTY;
  return windowsOf(text);
}

function windowsOf(text: string): number[] {
  const n = text.length;
  let out: number[] | undefined;
  let ws = -1;
  let we = -1;
  let mask = 0;

  const mark = (from: number, to: number, bit: number, right: number) => {
    const s = from < LEFT ? 0 : from - LEFT;
    const e = to + right > n ? n : to + right;
    if (ws !== -1 && s <= we + GAP) {
      if (e > we) we = e;
      mask |= bit;
      return;
    }
    if (ws !== -1) (out ??= []).push(ws, we, mask);
    ws = s;
    we = e;
    mask = bit;
  };

  let done = 0; // everything before this index has been classified
  TRIGGER.lastIndex = 0;
  while (TRIGGER.test(text)) {
    const i = TRIGGER.lastIndex - 1;
    const c = text.charCodeAt(i);
    if (!isToken(c)) {
      done = i + 1;
      if (c === 58) {
        // `10:30:00` is a time, not an assignment (its digits mark themselves)
        if (!(isDigit(text.charCodeAt(i - 1)) && isDigit(text.charCodeAt(i + 1))))
          mark(i, valueEnd(text, i + 1), T_ASSIGN, RIGHT);
      } else if (c === 64) mark(i, i + 1, T_AT, RIGHT);
      else if (c === 37) mark(i, i + 1, T_PERCENT, RIGHT);
      else if (c === 44) {
        const p = text.charCodeAt(i - 1);
        if (p === 34 || p === 39) mark(i, valueEnd(text, i + 1), T_ASSIGN, RIGHT);
      } else if (c >= 128) {
        // Letters of other scripts: this pass does not tell their case, so any word start may begin a name.
        const p = i === 0 ? 32 : text.charCodeAt(i - 1);
        if (p < 128 && !isToken(p)) mark(i, i + 1, T_NAME, RIGHT_NAME);
      }
      continue;
    }
    // Inside a run of token characters: classify the whole run once, then go on after it.
    let s = i;
    while (s > done && isToken(text.charCodeAt(s - 1))) s--;
    let e = i + 1;
    while (e < n && isToken(text.charCodeAt(e))) e++;
    if (e - s >= MIN_RUN) mark(s, e, T_RUN, RIGHT);
    const hexId = e - s >= MIN_RUN && isHexId(text, s, e);
    for (let k = i; k < e; k++) {
      const ch = text.charCodeAt(k);
      const p = k === 0 ? 32 : text.charCodeAt(k - 1);
      if (isDigit(ch)) {
        if (hexId) continue; // a UUID or SHA: its digits start no number
        // The start of each run of digits, unless glued to lower-case letters (hex ids, words with digits).
        if (!isDigit(p) && !isLower(p)) mark(k, k + 1, T_DIGIT, RIGHT);
      } else if (ch >= 65 && ch <= 90) {
        if (!isToken(p) || p === 46 || p === 95 || p === 45 || p === 47) mark(k, k + 1, T_NAME, RIGHT_NAME);
      } else if (ch === 61) mark(k, valueEnd(text, k + 1), T_ASSIGN, RIGHT);
      else if (ch === 45 && p !== 45 && text.startsWith('----', k + 1)) mark(k, k + 5, T_PEM, RIGHT);
    }
    done = e;
    TRIGGER.lastIndex = e;
  }
  if (ws !== -1) (out ??= []).push(ws, we, mask);
  // "name" in lower case: `my name is dana` has no capital to look at. Added out of order, so sorted below.
  let unordered = false;
  for (let i = text.indexOf('name'); i !== -1; i = text.indexOf('name', i + 4)) {
    (out ??= []).push(i < LEFT ? 0 : i - LEFT, Math.min(n, i + 4 + RIGHT_NAME), T_NAME);
    unordered = true;
  }
  if (out === undefined) return EMPTY;
  if (unordered && out.length > 3) {
    const triples: number[][] = [];
    for (let k = 0; k < out.length; k += 3) triples.push([out[k], out[k + 1], out[k + 2]]);
    triples.sort((x, y) => x[0] - y[0]);
    out = triples.flat();
  }
  // Move every edge on to whitespace (bounded), then merge windows that now touch.
  const merged: number[] = [];
  for (let k = 0; k < out.length; k += 3) {
    let s = out[k];
    let e = out[k + 1];
    for (let steps = 0; s > 0 && steps < EDGE && !isSpace(text.charCodeAt(s - 1)); steps++) s--;
    for (let steps = 0; e < n && steps < EDGE && !isSpace(text.charCodeAt(e)); steps++) e++;
    const last = merged.length - 3;
    if (last >= 0 && s <= merged[last + 1]) {
      if (e > merged[last + 1]) merged[last + 1] = e;
      merged[last + 2] |= out[k + 2];
    } else merged.push(s, e, out[k + 2]);
  }
  return merged;
}

const EMPTY: number[] = [];
