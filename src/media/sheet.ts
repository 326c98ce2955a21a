import type { Campaign } from '../campaign/load.js';
import { campaignFonts } from '../letters/assets.js';
import type { FontFiles } from '../letters/fonts.js';
import type PDFDocument from 'pdfkit';
import { pdfkit } from '../letters/pdfkit-load.js';
import { drawQr } from '../letters/layout.js';
import { frenchDate as formatDate } from '../text/format.js';

/**
 * The summary sheet ("fiche synthétique de présentation du dispositif"): one A4 page written by
 * relais from the campaign — title, purpose, the platform, its QR code and how to sign up — in the
 * campaign's fonts. The same for every town hall: attached to each email, put in each
 * département's folder by `relais posts`. Built synchronously (pdfkit's stream is read once
 * ended); commands take it through campaignSheet (sheet-cache.ts), which draws it once per campaign.
 */
const mm = (n: number) => (n * 72) / 25.4;

/** Steps a volunteer follows, said for the mayors to pass on. */
export function signUpSteps(platform: { nom: string; url: string }): string[] {
  return [
    `Rendez-vous sur ${platform.url} (ou scannez le code ci-contre).`,
    `Créez votre compte sur ${platform.nom} : nom, profession, coordonnées.`,
    'Indiquez vos disponibilités et le secteur où vous pouvez intervenir.',
    'Un établissement qui a besoin de renfort vous contacte directement.',
  ];
}

export function summarySheet(campaign: Campaign, fonts: FontFiles = campaignFonts(campaign)): Buffer {
  const c = campaign.config;
  const platform = c.campagne.plateforme;
  // A stable file: the same campaign gives the same bytes (the email's hash does not move), so
  // the document is dated by the campaign, and its file identifier follows from that date.
  const doc = new (pdfkit())({
    size: 'A4',
    autoFirstPage: false,
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: `${c.campagne.titre} — fiche synthétique`, Author: c.ars.nom, Subject: c.campagne.objet, Creator: 'relais', CreationDate: new Date(`${c.campagne.date}T12:00:00Z`) },
  });
  for (const [name, data] of [['regular', fonts.regular], ['bold', fonts.bold], ['italic', fonts.italic]] as const) doc.registerFont(name, data);
  // pdfkit takes a page's size from addPage's options, not from the document's: say A4 again.
  doc.addPage({ size: 'A4', margin: mm(20) });
  const left = mm(20);
  const width = doc.page.width - mm(40);
  doc.font('bold').fontSize(20).fillColor('#000091');
  doc.text(c.campagne.titre, left, mm(22), { width });
  doc.font('regular').fontSize(12).fillColor('black').moveDown(0.5);
  doc.text(c.campagne.objet, { width });
  doc.moveDown(1);
  doc.font('bold').fontSize(14).text('La plateforme', { width });
  doc.font('regular').fontSize(11).moveDown(0.3);
  doc.text(`${platform.nom}, ouverte le ${formatDate(platform.lancement)} par l'${c.ars.nom}, met en relation les établissements de santé et médico-sociaux et les professionnels volontaires pour venir en renfort.`, { width });
  doc.text(platform.url, { width, link: platform.url, underline: true });
  doc.moveDown(1);
  doc.font('bold').fontSize(14).text('Comment s’inscrire', { width });
  const top = doc.y + mm(3);
  const qr = mm(40);
  drawQr(doc, platform.url, left + width - qr, top, qr);
  doc.font('regular').fontSize(11);
  doc.y = top;
  for (const [i, step] of signUpSteps(platform).entries()) {
    doc.text(`${i + 1}. ${step}`, left, doc.y, { width: width - qr - mm(8) });
    doc.moveDown(0.4);
  }
  doc.y = Math.max(doc.y, top + qr) + mm(8);
  doc.font('bold').fontSize(14).text('Ce que nous attendons des communes', left, doc.y, { width });
  doc.font('regular').fontSize(11).moveDown(0.3);
  doc.text('Relayer l’appel auprès des habitants par tous les canaux de la commune : site, réseaux sociaux, panneau d’affichage, bulletin municipal. Les messages prêts à publier et la vidéo de la campagne accompagnent cette fiche.', { width });
  doc.font('italic').fontSize(9).fillColor('#555555');
  doc.text(`${c.ars.nom} — ${formatDate(c.campagne.date)}`, left, doc.page.height - mm(25), { width, lineBreak: false });
  doc.end();
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) chunks.push(chunk);
  return Buffer.concat(chunks);
}
