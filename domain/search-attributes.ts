// Custom search attributes operators use to find workflows in the Temporal UI; registered on every server we start.
export const SEARCH_ATTRIBUTES = {
  BotId: 'Keyword',
  UserId: 'Keyword',
  BotStatus: 'Keyword',
  GuardState: 'Keyword',
  GuardSymbol: 'Keyword',
} as const;

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export const searchAttributeFlags = (): string[] =>
  Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
