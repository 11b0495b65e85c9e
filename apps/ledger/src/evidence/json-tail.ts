const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const CLOSE_BRACE = 0x7d;

/**
 * The values of `keys` (in their order) when all of them are among the trailing members of a
 * JSON object text whose keys and values are strings without escapes, read backwards from its
 * closing brace; undefined otherwise. For valid JSON these are exactly the values JSON.parse
 * gives (the last occurrence of a key wins in both): a shortcut, not a validator, so text that
 * is not JSON may still yield values. An event's `id`, `sessionid` and `type` come after its
 * nested `data` in RFC 8785 order, so its identity is read here without parsing the rest.
 */
export function trailingStrings(text: string, keys: readonly string[]): string[] | undefined {
  const values = new Array<string | undefined>(keys.length);
  let missing = keys.length;
  if (text.charCodeAt(text.length - 1) !== CLOSE_BRACE) return undefined;
  // Each step reads `"key":"value"` ending at `end`, then expects a comma before it.
  for (let end = text.length - 2; ;) {
    if (text.charCodeAt(end) !== QUOTE) return undefined;
    const value = text.lastIndexOf('"', end - 1);
    if (value < 3 || text.charCodeAt(value - 1) !== COLON || text.charCodeAt(value - 2) !== QUOTE) return undefined;
    const key = text.lastIndexOf('"', value - 3);
    if (key < 1) return undefined;
    const length = value - 3 - key;
    const k = keys.findIndex(
      (name, i) => values[i] === undefined && name.length === length && text.startsWith(name, key + 1),
    );
    if (k >= 0) {
      values[k] = text.slice(value + 1, end);
      // Read right only if no string read holds a backslash: then no quote read was escaped.
      if (--missing === 0) return text.indexOf('\\', key - 1) === -1 ? (values as string[]) : undefined;
    }
    if (text.charCodeAt(key - 1) !== COMMA) return undefined;
    end = key - 2;
  }
}
