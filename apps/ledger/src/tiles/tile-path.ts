/** C2SP tlog-tiles paths: https://c2sp.org/tlog-tiles. Tiles are 256 wide; levels 8 tree levels apart. */
export const TILE_WIDTH = 256;
export const TILE_HEIGHT = 8;

export interface TileRef {
  /** Tile level (0 = leaf hashes), or 'entries' for entry bundles. */
  level: number | 'entries';
  index: number;
  /** Width of a partial tile (1..255); undefined for a full tile. */
  width?: number;
}

/** Encodes an index as the spec's zero-padded 3-digit groups, all but the last prefixed with x. */
export function encodeIndex(n: number): string {
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Parses `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]` (the part after `tile/`); undefined if malformed. */
export function parseTilePath(segments: string[]): TileRef | undefined {
  const [head, ...rest] = segments;
  const level = head === 'entries' ? 'entries' : /^(0|[1-9][0-9]?)$/.test(head ?? '') ? Number(head) : undefined;
  if (level === undefined || rest.length === 0) return undefined;
  let width: number | undefined;
  if (rest.length >= 2 && rest[rest.length - 2].endsWith('.p')) {
    const w = rest.pop() as string;
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) return undefined;
    width = Number(w);
    rest[rest.length - 1] = rest[rest.length - 1].slice(0, -2);
  }
  let index = 0;
  for (const [i, g] of rest.entries()) {
    const last = i === rest.length - 1;
    const match = (last ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(g);
    if (!match) return undefined;
    index = index * 1000 + Number(match[1]);
  }
  if (!Number.isSafeInteger(index) || encodeIndex(index) !== rest.join('/')) return undefined;
  return { level, index, width };
}
