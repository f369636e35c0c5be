// Search-attribute setup for every Temporal server we run: the names live once in domain/, here as CLI flags and typed keys.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES, searchAttributeFlags } from '../domain/search-attributes.js';

export { SEARCH_ATTRIBUTES, searchAttributeFlags };
export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;

/** Typed keys for `upsertSearchAttributes` / `typedSearchAttributes` in workflows and clients. */
export const BotIdKey = defineSearchAttributeKey('BotId', SearchAttributeType.KEYWORD);
export const UserIdKey = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD);
export const BotStatusKey = defineSearchAttributeKey('BotStatus', SearchAttributeType.KEYWORD);
export const GuardStateKey = defineSearchAttributeKey('GuardState', SearchAttributeType.KEYWORD);
export const GuardSymbolKey = defineSearchAttributeKey('GuardSymbol', SearchAttributeType.KEYWORD);
