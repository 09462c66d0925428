// opencc-js ships its dictionaries as ES modules (opencc-js/dict/<name>, a "from → to|…" string) and
// its locale chains (opencc-js/to/<locale>, dictionary groups) without declarations.
declare module 'opencc-js/dict/*' {
  const dict: string;
  export default dict;
}
declare module 'opencc-js/to/*' {
  const chain: readonly (readonly string[])[];
  export default chain;
}
