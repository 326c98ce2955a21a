import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, MAX_LINES, townHallAddress } from '../src/text/address.js';

/**
 * A commune nouvelle whose name, even abbreviated (SAINT → ST), is over 38 characters: the
 * address block prints « MAIRIE » then the name cut at 38 characters in the middle of a word,
 * although the block uses 5 of its 6 lines and the name would fit whole on two.
 * `relais letters` on a campaign of Haute-Saône (70058) prints in the envelope window:
 *   MAIRIE
 *   BEAUJEU-ST-VALLIER-PIERREJUX-ET-QUITTE      ← « QUITTEUR » cut
 *   MADAME LA MAIRE
 *   2 RUE DE L'EGLISE
 *   70100 BEAUJEU ST VALLIER PIERREJUX ET
 * and for Côte-d'Or (21433) « MONTIGNY-MORNAY-VILLENEUVE-SUR-VINGEAN ». What the secretary of the
 * town hall sees first is her commune's name misspelt by the préfecture. A name is not a free
 * complement: it can go on as many lines as the block has room for, broken at a hyphen.
 */
describe('a town hall whose name is over 38 characters, in a block with room to spare', () => {
  const cases = [
    { communeName: 'Beaujeu-Saint-Vallier-Pierrejux-et-Quitteur', postalCode: '70100', name: 'BEAUJEU-ST-VALLIER-PIERREJUX-ET-QUITTEUR' },
    { communeName: 'Montigny-Mornay-Villeneuve-sur-Vingeanne', postalCode: '21610', name: 'MONTIGNY-MORNAY-VILLENEUVE-SUR-VINGEANNE' },
    { communeName: 'Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson', postalCode: '51290', name: 'ST-REMY-EN-BOUZEMONT-ST-GENEST-ET-ISSON' },
  ];
  for (const c of cases) {
    it(`prints the whole name of ${c.communeName}, no word cut`, () => {
      const block = townHallAddress({ communeName: c.communeName, typeLiaison: 0, mayorSex: 'F', street: "2 rue de l'Église", postalCode: c.postalCode });
      expect(block.lines.length).toBeLessThanOrEqual(MAX_LINES);
      for (const line of block.lines) expect(line.length, line).toBeLessThanOrEqual(MAX_LINE_LENGTH);
      // The lines before the function line hold the whole name, however it is broken (after a
      // hyphen, at a space, SAINT abbreviated or not): compared without spaces and hyphens.
      const squeeze = (s: string) => s.replace(/[\s-]/g, '').replace(/SAINT/g, 'ST');
      const organisation = block.lines.slice(0, block.lines.indexOf('MADAME LA MAIRE')).join(' ');
      expect(squeeze(organisation), block.lines.join('\n')).toContain(squeeze(c.name));
      expect(block.lines.join('\n')).toContain('MADAME LA MAIRE');
    });
  }
});
