import { describe, expect, it } from 'vitest';
import { encode, MAC, readTableBytes, WINDOWS } from './helpers/code-pages.js';

/**
 * isMacRoman (src/data/code-page.ts) considers Mac Roman only when the bytes hold one of nine
 * « Mac-only French » bytes (é è à ç ê ù ô É Ç in Mac Roman), then scores both readings. Real
 * office files fall on either side of that gate.
 */

describe('Mac Roman files with none of the nine « Mac-only » bytes', () => {
  it('a Mac Roman list in capitals whose only accents are « HÔTEL DE VILLE » and « ÎLE » is read as written', async () => {
    // Mac Roman Ô is 0xEF, Î 0xEB: neither is in the gate's list, so Mac Roman is never considered.
    const text = 'code;commune;adresse\n77001;ACHERES-LA-FORET;HÔTEL DE VILLE\n77002;AMILLIS;HÔTEL DE VILLE\n77003;ANNET-SUR-MARNE;PLACE DE L’ÎLE\n';
    const { encoding, values } = await readTableBytes('mairies.csv', encode(text, MAC));
    // Read as Windows-1252: « HïTEL DE VILLE », « PLACE DE LÕëLE » on the envelopes.
    expect(values.map((v) => v[2])).toEqual(['HÔTEL DE VILLE', 'HÔTEL DE VILLE', 'PLACE DE L’ÎLE']);
    expect(encoding).toBe('Mac Roman (Excel pour Mac)');
  });

  it('a Mac Roman list of Loiret communes with « â » and « î » only (Châteauneuf, Saint-Benoît) is read as written', async () => {
    // Mac Roman â is 0x89, î 0x94, ë 0x91: Windows-1252 reads ‰, ” and ‘ — none in the gate's list.
    const text = 'code;commune;maire\n45082;Châteauneuf-sur-Loire;Mme Noëlle BAUDIN\n45270;Saint-Benoît-sur-Loire;M. Jean PETIT\n';
    const { encoding, values } = await readTableBytes('maires.csv', encode(text, MAC));
    expect(values.map((v) => v[1])).toEqual(['Châteauneuf-sur-Loire', 'Saint-Benoît-sur-Loire']);
    expect(values[0]![2]).toBe('Mme Noëlle BAUDIN');
    expect(encoding).toBe('Mac Roman (Excel pour Mac)');
  });

  it('a Mac Roman address « N° 1 » with « l’Hôtel » (° ’ in Mac Roman) is read as written', async () => {
    const text = 'insee;commune;adresse\n75056;PARIS;N° 1 PLACE DE L’HÔTEL-DE-VILLE\n13055;MARSEILLE;QUAI DU PORT\n';
    const { values } = await readTableBytes('mairies.csv', encode(text, MAC));
    // Read as Windows-1252: « N¡ 1 PLACE DE LÕHïTEL-DE-VILLE ».
    expect(values[0]![2]).toBe('N° 1 PLACE DE L’HÔTEL-DE-VILLE');
  });

  it('a Mac Roman file with one « é » and guillemets in a remarks column is read as written', async () => {
    // Mac « » are 0xC7 0xC8, Windows-1252 Ç È: capitals after a space, scored as good French.
    const text = 'code;commune;obs\n14118;Caen;« ouvert »\n14119;Caen;« fermé »\n14120;Ifs;« ouvert »\n';
    const { encoding, values } = await readTableBytes('mairies.csv', encode(text, MAC));
    expect(values.map((v) => v[2])).toEqual(['« ouvert »', '« fermé »', '« ouvert »']);
    expect(encoding).toBe('Mac Roman (Excel pour Mac)');
  });
});

describe('Windows-1252 files with a « Ž » (a Croatian or Slovene name) read as Mac Roman', () => {
  it('a Windows-1252 mayors’ file with « Žaklina » and « Évry » stays Windows-1252', async () => {
    // Windows-1252 Ž is 0x8E, Mac Roman é: « Žaklina » reads « éaklina », « Évry » reads « …vry ».
    const text = 'insee;nom;prenom;commune\n91228;NOVAK;Žaklina;Évry-Courcouronnes\n91021;DURAND;Paul;Arpajon\n';
    const { encoding, values } = await readTableBytes('maires.csv', encode(text, WINDOWS));
    expect(values.map((v) => v[2])).toEqual(['Žaklina', 'Paul']);
    expect(values[0]![3]).toBe('Évry-Courcouronnes');
    // Read as Windows-1252; the two readings score alike, so the guess is said (« Windows-1252, peut-être Mac Roman »).
    expect(encoding).toMatch(/^Windows-1252/);
  });

  it('a Windows-1252 list in capitals with one « ŽIVKOVIC » mayor stays Windows-1252', async () => {
    const text = 'insee;commune;maire\n77001;ÉCHOUBOULAINS;M. ŽIVKOVIC Tomaž\n77002;ÉMERAINVILLE;Mme DUPONT\n';
    const { encoding, values } = await readTableBytes('maires.csv', encode(text, WINDOWS));
    // Read as Mac Roman: « …CHOUBOULAINS », « éIVKOVIC Tomaé ».
    expect(values.map((v) => v[1])).toEqual(['ÉCHOUBOULAINS', 'ÉMERAINVILLE']);
    expect(values[0]![2]).toBe('M. ŽIVKOVIC Tomaž');
    expect(encoding).toBe('Windows-1252');
  });
});
