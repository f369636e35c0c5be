// A bot's pair blacklist, as FreqTrade's /blacklist keeps it: pairs or regular-expression wildcards ("BNB/.*") the bot
// must not enter; the active whitelist leaves them out. Open trades on a blacklisted pair are still managed and exited.

/** FreqTrade's expand_pairlist: each entry as a case-insensitive full-match pattern over the available pairs. */
function pattern(entry: string): RegExp {
  return new RegExp(`^(?:${entry})$`, 'i');
}

export interface BlacklistAnswer {
  blacklist: string[];
  blacklist_expanded: string[];
  errors: Record<string, { error_msg: string }>;
  length: number;
  method: string[];
}

export class PairBlacklist {
  private entries: string[];

  constructor(saved: readonly string[] = []) {
    this.entries = [...saved];
  }

  list(): string[] {
    return [...this.entries];
  }

  /** Whether an entry (a pair or a wildcard) matches the pair. */
  blocks(pair: string): boolean {
    return this.entries.some((e) => e === pair || pattern(e).test(pair));
  }

  /** The entries expanded over the available pairs (FreqTrade's expanded_blacklist). */
  expanded(available: readonly string[]): string[] {
    return available.filter((p) => this.blocks(p));
  }

  /** POST /blacklist: adds each new entry; an entry already there or an invalid wildcard is an error of that pair. */
  add(pairs: readonly string[]): Record<string, { error_msg: string }> {
    const errors: Record<string, { error_msg: string }> = {};
    for (const pair of pairs) {
      if (this.entries.includes(pair)) {
        errors[pair] = { error_msg: `Pair ${pair} already in pairlist.` };
        continue;
      }
      try {
        pattern(pair);
        this.entries.push(pair);
      } catch {
        errors[pair] = { error_msg: `Pair ${pair} is not a valid wildcard.` };
      }
    }
    return errors;
  }

  /** DELETE /blacklist: removes each entry; one that is not there is an error of that pair. */
  remove(pairs: readonly string[]): Record<string, { error_msg: string }> {
    const errors: Record<string, { error_msg: string }> = {};
    for (const pair of pairs) {
      if (this.entries.includes(pair)) this.entries = this.entries.filter((e) => e !== pair);
      else errors[pair] = { error_msg: `Pair ${pair} is not in the current blacklist.` };
    }
    return errors;
  }

  answer(available: readonly string[], errors: BlacklistAnswer['errors'] = {}): BlacklistAnswer {
    return { blacklist: this.list(), blacklist_expanded: this.expanded(available), errors, length: this.entries.length, method: ['StaticPairList'] };
  }
}
