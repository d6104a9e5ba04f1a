export { checkpointMessage, parseCheckpoint, signCheckpoint, verifyCheckpointSignature, type Checkpoint, type UnsignedCheckpoint } from './checkpoint.js';
export {
  generateSigningKey,
  Keyring,
  keyIdOf,
  loadPublicKeys,
  openKeyring,
  signBytes,
  verifyBytes,
  type KeyringOptions,
  type PublicKeyEntry,
  type SigningKey,
} from './keys.js';
export { CheckpointLedger, SigningUnavailableError, type LedgerLogger, type StoredCheckpoint } from './ledger.js';
export { byStreamId, EMPTY_ROOT, inclusionProof, leafHash, merkleRoot, MerkleRootBuilder, nodeHash, rootFromProof, type Head, type ProofStep } from './merkle.js';
export { AUDIT_MIGRATIONS_TABLE, auditMigrations } from './schema.js';
export { EvidenceScheduler, type EvidenceLogger, type EvidenceTask } from './scheduler.js';
export { storedByStreamPages, storedLogPages, type StoredLogOptions } from './stored-log.js';
export {
  verifyAgainstCheckpoint,
  type CheckpointVerification,
  type CheckpointVerifyOptions,
  type Finding,
  type FindingKind,
  type LeavesSource,
} from './against-checkpoint.js';
export { collectHeads, fetchCheckpoint, headsAsOf, readCheckpointFile, resolvePublicKey, storedLeaves, type PublicKeySources } from './kept-checkpoint.js';
export { AccessLog, type AccessEntry, type AccessKind, type AccessRecord, type AccessRecorder } from './access-log.js';
