import { describe, expect, it } from 'vitest';
import { otherHeaderLayout, otherHeaderMessage } from '../src/data/header-rows.js';

const HEADER = ['code_insee_commune', 'adresse_courriel', 'numero_voie', 'code_postal', 'nom_commune'];
const FIRST = new Map([['insee', 0], ['courriel', 1], ['voie', 2], ['code_postal', 3], ['localite', 4]]);

describe('another export’s header appended below the first', () => {
  it('reads the rows below it in the first header’s layout, its columns in another order', () => {
    const cells = ['code_insee_commune', 'nom_commune', 'code_postal', 'numero_voie', 'adresse_courriel'];
    const other = otherHeaderLayout(HEADER, FIRST, cells, new Map([['insee', 0], ['localite', 1], ['code_postal', 2], ['voie', 3], ['courriel', 4]]));
    expect(other.remap(['45004', 'Amilly', '45200', '3 rue de la Mairie', 'mairie@amilly.example'])).toEqual(['45004', 'mairie@amilly.example', '3 rue de la Mairie', '45200', 'Amilly']);
    expect([other.reordered, other.extra, other.missing]).toEqual([true, [], []]);
    expect(otherHeaderMessage('fichier des mairies', other)).toMatch(/en-tête d'un autre export.*dans un autre ordre.*lues sous cet en-tête/);
  });

  it('by field where the names differ, by name for columns no field reads; one column more is named, not read', () => {
    const header = [...HEADER, 'remarque'];
    const cells = ['Code INSEE', 'Courriel', 'numero_voie', 'code_postal', 'nom_commune', 'telephone', 'remarque'];
    const other = otherHeaderLayout(header, FIRST, cells, new Map([['insee', 0], ['courriel', 1], ['voie', 2], ['code_postal', 3], ['localite', 4]]));
    expect(other.remap(['45004', 'm@amilly.example', '3 rue', '45200', 'Amilly', '02 38', 'vu'])).toEqual(['45004', 'm@amilly.example', '3 rue', '45200', 'Amilly', 'vu']);
    expect([other.reordered, other.extra, other.missing]).toEqual([false, ['telephone'], []]);
    expect(otherHeaderMessage('fichier des mairies', other)).toMatch(/avec en plus la colonne « telephone », non lue/);
  });

  it('says a read column it lacks, read empty below it', () => {
    const other = otherHeaderLayout(HEADER, FIRST, ['code_insee_commune', 'adresse_courriel', 'nom_commune'], new Map([['insee', 0], ['courriel', 1], ['localite', 2]]));
    expect(other.remap(['45004', 'm@amilly.example', 'Amilly'])).toEqual(['45004', 'm@amilly.example', '', '', 'Amilly']);
    expect(other.missing).toEqual(['numero_voie', 'code_postal']);
    expect(otherHeaderMessage('fichier des mairies', other)).toMatch(/sans les colonnes « numero_voie », « code_postal », lues vides en dessous/);
  });
});
