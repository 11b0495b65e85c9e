/**
 * An evidence bundle: everything an auditor needs to check a range of the log offline, with
 * no access to Verity. JSON; hashes base64 as in checkpoints.
 */
export const BUNDLE_FORMAT = 'verity.ledger.evidence/v2';

/** Still verified: the same, with each payload as a JSON object instead of its committed bytes. */
export const BUNDLE_FORMAT_V1 = 'verity.ledger.evidence/v1';

/**
 * The same content as v2, one line per entry (`GET /v1/ledger/evidence?format=lines`; see
 * bundle-lines.ts): read and checked without unescaping, in slices on several threads.
 */
export const BUNDLE_FORMAT_LINES = 'verity.ledger.evidence/v2+lines';

export interface BundleEntry {
  index: number;
  /** The leaf's bytes: RFC 8785 canonical JSON of the entry record. */
  entry: string;
  /**
   * The full event the entry commits to, as the exact bytes committed (RFC 8785 canonical JSON
   * whose SHA-256 is the entry's payloadSha256). In v1 bundles: the event as a JSON object.
   */
  payload: string | object;
}

export interface BundleConsistencyProof {
  size1: number;
  size2: number;
  hashes: string[];
}

export interface EvidenceBundle {
  manifest: {
    format: typeof BUNDLE_FORMAT | typeof BUNDLE_FORMAT_V1 | typeof BUNDLE_FORMAT_LINES;
    origin: string;
    /** Entries [from, to); `to` is the size of the last checkpoint. */
    from: number;
    to: number;
    createdAt: string;
    entryCount: number;
    checkpointCount: number;
    keyName: string;
    keyId: string;
  };
  /** Verifier keys (`name+keyid+base64`) the log signs with. An auditor pins its own copy. */
  publicKeys: string[];
  /** Signed checkpoint notes in ascending size: the last one before `from` (if any), every one in [from, to]. */
  checkpoints: string[];
  /** Compact range of leaves [0, from): hashes of its complete subtrees, largest first. */
  frontier: string[];
  entries: BundleEntry[];
  /** Consistency proofs between consecutive checkpoints, and from `since` when asked for. */
  consistency: BundleConsistencyProof[];
}
