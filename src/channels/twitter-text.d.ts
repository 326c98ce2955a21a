// twitter-text's parseTweet alone (its package index loads 130 modules and 100 core-js polyfills
// for autolinking and extraction, which relais never uses); typed as the package's own export.
declare module 'twitter-text/dist/parseTweet.js' {
  import type { parseTweet } from 'twitter-text';
  const parse: typeof parseTweet;
  export default parse;
}
