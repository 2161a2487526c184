// Files: applicants' and clerks' uploads, the material library, issued
// documents and certificates (src/api/files.c, documents.c).
import { api, seg } from './http.js';

// opts as for api.upload (name, contentType, quiet, messages).
export const upload = (file, opts) => api.upload('/api/uploads', file, opts);
export const uploadUrl = (sha256) => '/api/uploads/' + seg(sha256);
export const myMaterials = (opts) => api.get('/api/my/materials', opts);
export const myCertificates = (opts) => api.get('/api/my/certificates', opts);
export const documentPdfUrl = (docId) => `/api/documents/${seg(docId)}/pdf`;
