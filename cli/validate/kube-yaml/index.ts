// Reads manifest bytes as kubectl reads them (see read-documents.ts); the
// rest of this folder is its machinery.
export { readDocuments, type ReadDocument, type ReadLimits } from './read-documents.ts';
