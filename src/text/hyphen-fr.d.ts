// The `hyphen` package ships no types; only the synchronous French hyphenator is used.
declare module 'hyphen/fr/index.js' {
  interface HyphenOptions {
    hyphenChar?: string;
    minWordLength?: number;
    exceptions?: string[];
  }
  const fr: { hyphenateSync(text: string, options?: HyphenOptions): string };
  export default fr;
}
