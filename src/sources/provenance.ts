import type { Provenance } from './fetch.js';

/**
 * data/PROVENANCE.md: the same facts as provenance.json, for a person. The Licence Ouverte asks
 * whoever reuses the data to cite its producer, the address, the file's name and its date: the
 * « mention » line of each source is that citation, ready to paste under a letter or a report.
 */
function date(value: unknown): string {
  return typeof value === 'string' ? value.replace('T', ' à ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC') : 'non fournie';
}

export function provenanceMarkdown(p: Provenance): string {
  const lines = [
    '# Provenance des données',
    '',
    `Téléchargées le ${date(p.telecharge_le)} par ${p.outil}, pour les départements ${p.departements.join(', ')}.`,
    'Ce fichier est réécrit à chaque « relais fetch » ; ne le modifiez pas à la main.',
    '',
  ];
  for (const s of p.sources) {
    lines.push(
      `## ${String(s.fichier)}`,
      '',
      `- Producteur : ${String(s.producteur)}`,
      `- Jeu de données : ${String(s.jeu_de_donnees)} — ${String(s.page)}`,
      `- Adresse : ${String(s.url_du_fichier ?? s.url)}`,
      ...(s.fichier_source ? [`- Fichier : ${String(s.fichier_source)}`] : []),
      `- Date des données : ${date(s.date_des_donnees)}`,
      `- Licence : ${String(s.licence)} — ${String(s.licence_url)}`,
      `- Contenu : ${String(s.filtre)}`,
      `- À citer : ${String(s.mention)}`,
      '',
    );
  }
  return `${lines.join('\n')}`;
}
