import { describe, expect, it } from 'vitest';
import { newPrintVersions } from '../src/cli/run.js';
import type { LettersResult } from '../src/letters/generate.js';

/** What `relais run` tells of its letters passes (before and after the send). */
describe('newPrintVersions', () => {
  it('carries what a pass removed for a département campagne.yaml no longer names, said as letters says it', () => {
    const pass = (over: Partial<LettersResult>): LettersResult => ({ written: 0, unchanged: 0, print: [], removedPrint: [], departed: [], workers: 1, timings: { letters: 0, print: 0 }, hashes: new Map(), ...over }) as unknown as LettersResult;
    const first = pass({ departed: [{ dep: '37', letters: 272, print: '/c/out/lettres/37/impression-37.pdf' }] });
    const news = newPrintVersions([first, pass({})]);
    expect(news.departed).toEqual([{ dep: '37', letters: 272, print: '/c/out/lettres/37/impression-37.pdf' }]);
  });
});
