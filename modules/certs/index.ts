export {
  CertificateBundle,
  type BundleEntryInfo,
  type BundleSource,
  type BundlePayload,
  type DomainEntries,
} from "./bundle";
export { BundleTlsProvider, type BundleTlsOptions } from "./provider";
export { tlsFromSeed001, type Seed001CertTable, type CertResolver } from "./seed001";
export { candidateDomains, parseEntryName, entryName, type EntryKind } from "./names";
