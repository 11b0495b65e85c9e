export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash, subtreeHash } from './hash';
export { Block, blocksCompletedBy, blocksOf, consistencyRanges, inclusionRanges, Range, splitPoint } from './ranges';
export { CompactRange } from './compact-range';
export { BlockReader, foldBlocks, MerkleTree, rangeHash, rootOf } from './tree';
export { verifyConsistency, verifyInclusion } from './verify';
export {
  Checkpoint,
  formatCheckpoint,
  formatVerifierKey,
  keyId,
  NoteSigner,
  NoteVerifier,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  privateKeyFromPem,
  publicKeyFromRaw,
  rawPublicKey,
  signNote,
} from './note';
