export { exportLog, type BulkExportOptions, type BulkExportProgress, type ExportBound } from './bulk-export.js';
export {
  EXPORT_FORMAT,
  EXPORT_PUBLIC_KEY_FILE,
  MANIFEST_FILE,
  parseManifest,
  signManifest,
  verifyManifestSignature,
  type ExportFile,
  type ExportManifest,
} from './manifest.js';
export { verifyExport, type ExportProblem, type ExportVerification, type VerifyExportOptions } from './verify-export.js';
