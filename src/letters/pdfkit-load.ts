import { createRequire } from 'node:module';
import type PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);

/**
 * pdfkit, loaded at the first document made: the heaviest module to load (its AES tables, its font
 * metrics), and most commands make no PDF (status, check, preview: the summary sheet's module is
 * imported wherever an email is planned). A CommonJS package, so required, synchronously.
 */
export function pdfkit(): typeof PDFDocument {
  return require('pdfkit') as typeof PDFDocument;
}
