import { describe, expect, it } from 'vitest';
import { placePostalCode, repairPostalCode } from '../src/data/postal-codes.js';
import { cell, isFormulaError, matchColumns, totalCell, totalRowMessage, withoutInvisible } from '../src/data/columns.js';
import { chooseEmail, CONTACT_COLUMNS, contactColumns, isPostalAddressHeader, isValidEmail, toContact, withoutBlanks } from '../src/data/contacts.js';
import { withoutGluedHeader } from '../src/data/header-rows.js';
import { cellText } from '../src/data/xlsx.js';

/** Cells of town-hall lists and mayors' files as offices leave them (pure functions, no spawn). */

describe('column names', () => {
  it('relais’ own French labels name their columns', () => {
    const header = ['Code INSEE', 'Adresse électronique', "Complément d'adresse", 'Numéro et voie', 'Service de distribution', 'Code postal', 'Localité'];
    const { indexes, missing } = contactColumns(header);
    expect(missing).toEqual([]);
    expect(Object.fromEntries(indexes)).toMatchObject({ insee: 0, courriel: 1, complement1: 2, voie: 3, distribution: 4, code_postal: 5, localite: 6 });
  });

  it('two different headers for one field are reported as alternatives, the first used', () => {
    const m = contactColumns(['Code INSEE', 'Mail', 'Courriel']);
    expect(m.indexes.get('courriel')).toBe(1);
    expect(m.alternatives?.get('courriel')).toEqual([1, 2]);
    // A column named in campagne.yaml settles it.
    expect(contactColumns(['Code INSEE', 'Mail', 'Courriel'], { courriel: 'Courriel' }).alternatives).toBeUndefined();
    expect(matchColumns(['Code INSEE', 'Courriel'], CONTACT_COLUMNS).alternatives).toBeUndefined();
  });
});

describe('invisible characters', () => {
  it('zero-width spaces, joiners and BOMs are removed from a cell', () => {
    expect(withoutInvisible('\u200B45004\u200C\u200D\u2060\uFEFF')).toBe('45004');
    expect(cell(['\u200Bmairie@adon.example '], new Map([['courriel', 0]]), 'courriel')).toBe('mairie@adon.example');
  });

  it('an address with one inside is cleaned by chooseEmail, and never valid as it is', () => {
    expect(chooseEmail('\u200Bmairie@adon.example').email).toBe('mairie@adon.example');
    expect(isValidEmail('mairie@adon\u200B.example')).toBe(false);
  });
});

describe('email cells as people write them', () => {
  it('a comment in brackets, a quoted display name with a comma, a label before a colon', () => {
    // The comment is named (a warning reads it), the address mailed.
    expect(chooseEmail('mairie@adon.example (secrétariat)')).toEqual({ email: 'mairie@adon.example', others: [], malformed: [], notes: ['commentaire « secrétariat » ignoré'] });
    expect(chooseEmail('"Mairie, accueil" <mairie@aillant.example>')).toEqual({ email: 'mairie@aillant.example', others: [], malformed: [] });
    expect(chooseEmail('courriel : mairie@amilly.example')).toEqual({ email: 'mairie@amilly.example', others: [], malformed: [] });
  });

  it('a second address stays named, in a comment as elsewhere', () => {
    const bracketed = chooseEmail('a@b.example (ou c@d.example)');
    expect(bracketed.email).toBe('a@b.example');
    expect(bracketed.aside).toEqual(['« c@d.example » non utilisée : écrite entre parenthèses (commentaire « ou c@d.example »), donc une note']);
    expect(chooseEmail('mailto:a@b.example').email).toBe('a@b.example');
    expect(chooseEmail('Mairie : a@b.example ; Secrétariat : c@d.example')).toEqual({ email: 'a@b.example', others: ['c@d.example'], malformed: [], notes: ['libellé « Secrétariat » ignoré'] });
  });
});

describe('an address a note calls old, or written in brackets', () => {
  it('is never mailed: the other address is, or none', () => {
    const old = chooseEmail('a@x.example (ancienne : old@x.example)');
    expect(old).toMatchObject({ email: 'a@x.example', others: [], malformed: [] });
    expect(old.aside).toEqual(['« old@x.example » mise de côté : le commentaire « ancienne : old@x.example » la dit ancienne ou à ne plus utiliser']);
    const retired = chooseEmail('mairie.x@wanadoo.example (ne plus utiliser)');
    expect(retired.email).toBeUndefined();
    expect(retired.aside).toEqual(['« mairie.x@wanadoo.example » mise de côté : le commentaire « ne plus utiliser » la dit ancienne ou à ne plus utiliser']);
    const labelled = chooseEmail('NE PLUS UTILISER : old@x.example ; new@x.example');
    expect(labelled).toMatchObject({ email: 'new@x.example', others: [], malformed: [] });
    expect(labelled.aside?.[0]).toContain('« old@x.example » mise de côté : le libellé « NE PLUS UTILISER »');
    expect(chooseEmail('ancienne adresse old@x.example / new@x.example')).toMatchObject({ email: 'new@x.example', aside: [expect.stringContaining('« old@x.example »')] });
    expect(chooseEmail('"Adresse obsolète" <old@x.example>; new@x.example').email).toBe('new@x.example');
    // A note that says the address is the current one retires nothing.
    expect(chooseEmail("new@x.example (remplace l'ancienne)")).toMatchObject({ email: 'new@x.example', notes: ["commentaire « remplace l'ancienne » ignoré"] });
    expect(chooseEmail('nouvelle adresse : new@x.example').email).toBe('new@x.example');
    for (const note of ['à ne pas utiliser', 'remplacée', 'ne répond plus', 'plus valide', 'inactive', 'old']) expect(chooseEmail(`old@x.example (${note}) ; new@x.example`).email, note).toBe('new@x.example');
    expect(chooseEmail('(c@d.example)')).toMatchObject({ email: undefined, aside: [expect.stringContaining('« c@d.example » non utilisée')] });
  });

  it('other notes and labels are named, a label that only names the field is not', () => {
    expect(chooseEmail('mairie@x.example (fermée le samedi)')).toMatchObject({ email: 'mairie@x.example', notes: ['commentaire « fermée le samedi » ignoré'] });
    expect(chooseEmail('courriel : mairie@amilly.example').notes).toBeUndefined();
    expect(chooseEmail('Secrétariat : mairie@x.example').notes).toEqual(['libellé « Secrétariat » ignoré']);
  });
});

describe('formula errors', () => {
  it('are told from values', () => {
    expect(['#N/A', '#REF!', '#VALEUR!', '#DIV/0!', '#NOM?'].every(isFormulaError)).toBe(true);
    expect(['45001', '#', 'mairie@x.example', '#1'].some(isFormulaError)).toBe(false);
  });

  it('French Excel’s names are formula errors too', () => {
    expect(['#NOMBRE!', '#PROPAGATION!', '#NUL!', '#CHAMP!', '#CALC!', '#BLOQUÉ!', '#OBTENTION_DONNÉES', '#INCONNU!', '#CONNEXION!'].every(isFormulaError)).toBe(true);
    expect(['#12', 'N/A', '#PROPAGATIONS!', 'NOMBRE!'].some(isFormulaError)).toBe(false);
  });

  it('in an address cell, are left out of the address and named with their field', () => {
    const { indexes } = contactColumns(['code_insee_commune', 'adresse_courriel', 'complement', 'numero_voie', 'bp', 'code_postal', 'nom_commune', 'telephone']);
    const c = toContact(['45001', 'mairie@adon.example', '#REF!', '#N/A', '#VALEUR!', '#N/A', '#NOMBRE!', '#NOM?'], 2, indexes);
    expect(c).toMatchObject({ insee: '45001', courriel: 'mairie@adon.example', complement1: '', voie: '', distribution: '', codePostal: '', codePostalWritten: '', localite: '', telephone: '' });
    expect(c.formulaErrors).toEqual([
      { field: 'code_postal', value: '#N/A' },
      { field: 'complement1', value: '#REF!' },
      { field: 'voie', value: '#N/A' },
      { field: 'distribution', value: '#VALEUR!' },
      { field: 'localite', value: '#NOMBRE!' },
      { field: 'telephone', value: '#NOM?' },
    ]);
    expect(toContact(['45001', '', '', '1 rue Haute', '', '45230', 'Adon', ''], 3, indexes).formulaErrors).toBeUndefined();
  });
});

describe('postal codes against the commune', () => {
  const loiret = { departement: '45', codesPostaux: ['45230'] };

  it('« 45 230 » with a no-break space is 45230', () => {
    expect(repairPostalCode('45\u00A0230')).toEqual({ code: '45230', repaired: false });
    expect(placePostalCode('45\u00A0230', loiret)).toEqual({ code: '45230' });
  });

  it('a code of another département is not used: the commune’s own is, and the problem is said', () => {
    const p = placePostalCode('4523', loiret);
    expect(p.code).toBe('');
    expect(p.problem).toContain('« 4523 » (lu 04523)');
    expect(p.problem).toContain('45230');
    expect(p.repaired).toBeUndefined();
  });

  it('a lost zero in a département 01–09 is still repaired; a CEDEX code of the département is kept', () => {
    expect(placePostalCode('1400', { departement: '01', codesPostaux: ['01400'] })).toEqual({ code: '01400', repaired: 'code postal 1400 complété en 01400 (zéro initial perdu)' });
    expect(placePostalCode('45044', loiret)).toEqual({ code: '45044' });
    // Another commune's own code, typed with the letter O for a zero, is that commune's all the same.
    const orleans = { departement: '45', codesPostaux: ['45000', '45100'], nom: 'Orléans', typeLiaison: 1 };
    const olivet = (code: string) => (code === '45160' ? [{ nom: 'Olivet', code: '45232', typeLiaison: 1 }] : []);
    const typed = placePostalCode('4516O', orleans, '', olivet);
    expect(typed.code).toBe('');
    expect(typed.problem).toMatch(/lu 45160.*code postal d'Olivet \(45232\), pas d'Orléans/);
    expect(placePostalCode('45044', orleans, '', olivet)).toEqual({ code: '45044' });
    // The CEDEX goes after the locality on the envelope: « 45044 ORLEANS CEDEX 1 ».
    expect(placePostalCode('45044 CEDEX 1', loiret)).toEqual({ code: '45044', cedex: 'CEDEX 1' });
    expect(placePostalCode('20000', { departement: '2A', codesPostaux: ['20090'] })).toEqual({ code: '20000' });
  });

  it('La Poste’s whole last line in the code’s cell (« 45040 ORLEANS CEDEX 1 ») gives the code and the locality, CEDEX kept', () => {
    expect(placePostalCode('45040 ORLEANS CEDEX 1', loiret)).toEqual({ code: '45040', localite: 'ORLEANS CEDEX 1' });
    expect(placePostalCode('45230 Adon', loiret)).toEqual({ code: '45230', localite: 'Adon' });
    expect(placePostalCode('45044 cedex', loiret)).toEqual({ code: '45044', cedex: 'CEDEX' });
    expect(placePostalCode('37000 TOURS', loiret).problem).toContain("37000 n'est pas un code du département 45");
    expect(placePostalCode('45230 (à voir)', loiret).problem).toContain('mal formé');
  });

  it('« CS 40001 » beside a distribution column that holds « BP 7 »: the message says which one is printed', () => {
    const both = placePostalCode('CS 40001', loiret, 'BP 7');
    expect(both.distribution).toBeUndefined();
    expect(both.problem).toContain("la colonne service de distribution porte déjà « BP 7 », seule imprimée");
    expect(both.problem).toContain("« CS 40001 » ne l'est pas");
    expect(both.problem).not.toContain('elle est imprimée');
    expect(placePostalCode('CS 40001', loiret, 'CS 40001').problem).toContain('déjà dans la colonne service de distribution, imprimée une fois');
  });

  it('« CS 40001 » is a distribution mention; a non-code is named', () => {
    const cs = placePostalCode('CS 40001', loiret);
    expect(cs).toMatchObject({ code: '', distribution: 'CS 40001' });
    expect(cs.problem).toContain('mention de distribution');
    expect(placePostalCode('Adon', loiret).problem).toContain('mal formé');
    expect(placePostalCode('', loiret)).toEqual({ code: '' });
    // No postal code in the reference: the written one is kept, there is nothing to check it against.
    expect(placePostalCode('37160', { departement: '45', codesPostaux: [] })).toEqual({ code: '37160' });
  });
});

describe('a header glued to the last row of a list', () => {
  const header = ['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune'];

  it('is taken off the row', () => {
    const values = ['45002', '', '2 rue Haute', '45230', 'Aillant-sur-Milleroncode_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune'];
    expect(withoutGluedHeader({ header }, values)).toEqual(['45002', '', '2 rue Haute', '45230', 'Aillant-sur-Milleron']);
  });

  it('a row with extra values that are not the header is left alone', () => {
    expect(withoutGluedHeader({ header }, ['45002', '', '2 rue', 'Haute', '45230', 'Aillant'])).toBeUndefined();
    expect(withoutGluedHeader({ header }, ['45002', '', '2 rue Haute', '45230', 'Aillant'])).toBeUndefined();
  });
});

describe('a « Total » row of a mayors’ file or a town-hall list', () => {
  it('is told by a « Total » cell on a row without a commune code', () => {
    expect(totalCell(['Total', '', '', '', '', '', '36'], '')).toBe('Total');
    expect(totalCell(['TOTAL GÉNÉRAL : 35 000'], '')).toBe('TOTAL GÉNÉRAL : 35 000');
    expect(totalCell(['45', 'Loiret', '', '', '45001', 'Total'], '45001')).toBeUndefined();
    expect(totalCell(['45', 'Loiret', '', '', '', 'Adon'], '')).toBeUndefined();
  });

  it('is told by its « Total » cell when a count sits in the code column and the reference knows no such commune', () => {
    const known = (code: string) => ['45001', '45234'].includes(code);
    expect(totalCell(['2', '', '', '', 'Total'], '2', known)).toBe('Total');
    expect(totalCell(['35000', '', 'Total'], '35000', known)).toBe('Total');
    expect(totalCell(['45001', '', 'Total'], '45001', known)).toBeUndefined();
    expect(totalCell(['99999', '', 'Adon'], '99999', known)).toBeUndefined();
    expect(totalRowMessage('fichier des mairies', 'Total', 'une mairie', '35000')).toContain("« 35000 » n'est le code d'aucune commune");
  });
});

describe('an Excel cell holding a mailto: link', () => {
  it('whose text is an address: the text, not the link Excel left as it was', () => {
    expect(cellText({ text: 'accueil@adon-nouveau.example', hyperlink: 'mailto:ancienne@adon.example' })).toBe('accueil@adon-nouveau.example');
    expect(cellText({ text: { richText: [{ text: 'accueil@' }, { text: 'adon-nouveau.example' }] }, hyperlink: 'mailto:ancienne@adon.example' })).toBe('accueil@adon-nouveau.example');
    expect(cellText({ text: 'mailto:accueil@adon-nouveau.example', hyperlink: 'mailto:ancienne@adon.example' })).toBe('mailto:accueil@adon-nouveau.example');
  });

  it('whose text is not an address: the link’s target', () => {
    expect(cellText({ text: 'Écrire à la mairie', hyperlink: 'mailto:mairie@adon.example?subject=x' })).toBe('mairie@adon.example');
    expect(cellText({ text: 'Site', hyperlink: 'https://adon.example' })).toBe('Site');
  });
});

describe('a town-hall list’s unread columns', () => {
  it('a postal-address header is named, an email, web or phone header is not', () => {
    expect(['Adresse 2', 'Lieu-dit', 'Bâtiment', 'Boîte postale', 'Complément adresse 3'].every(isPostalAddressHeader)).toBe(true);
    expect(['Mail du maire', 'Adresse site web', 'Adresse mail secrétariat', 'Adresse électronique 2', 'Site internet', 'Téléphone mairie', 'Observations'].some(isPostalAddressHeader)).toBe(false);
  });
});

describe('an address typed with a stray blank', () => {
  it('stays one malformed value, quoted as written, and its blank-free form is offered, never used', () => {
    expect(chooseEmail('mairie @adon.example')).toMatchObject({ email: undefined, malformed: ['mairie @adon.example'] });
    expect(withoutBlanks('mairie @adon.example')).toBe('mairie@adon.example');
    expect(withoutBlanks('mairie@adon.example')).toBeUndefined();
    expect(withoutBlanks('mairie de adon')).toBeUndefined();
    // After an address, a blank before « @c.fr » still parts two values: the first is used.
    expect(chooseEmail('a@b.fr @c.fr')).toMatchObject({ email: 'a@b.fr', malformed: ['@c.fr'] });
  });
});
