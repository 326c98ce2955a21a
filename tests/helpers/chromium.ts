import { ensureDebianPackage } from './debian.js';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium for the page tests: installed here when missing (the machines reach Debian's
 * packages; `npx playwright install` downloads its own browser and cannot).
 */
export function ensureChromium(): void {
  ensureDebianPackage(CHROMIUM, 'chromium');
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
