// Vite resolves CSS imports at build time.
declare module '*.css';
