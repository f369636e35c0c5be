// /api/exchange-accounts: list, add (key checked on the exchange first), read with the latest snapshot, update, pause,
// resume, sync now, delete. Credentials go in once and never come back out.
import { Router } from 'express';
import { CreateExchangeAccountInput, UpdateExchangeAccountInput } from '../../domain/exchange-account.js';
import { exchangeProfile } from '../../domain/exchanges.js';
import { botsUsingExchangeAccount } from '../../db/bots.js';
import * as accounts from '../../db/exchange-accounts.js';
import type { Db } from '../../db/pool.js';
import { currentUser } from '../auth/middleware.js';
import type { ExchangeAccountCommands } from '../exchange-account-commands.js';
import { HttpError, notFound } from '../errors.js';
import type { Quotas } from '../quotas.js';
import { requireScope } from '../auth/scopes.js';

export interface ExchangeAccountsRouterDeps {
  db: Db;
  exchangeAccounts: ExchangeAccountCommands;
  quotas: Quotas;
}

export function exchangeAccountsRouter({ db, exchangeAccounts: commands, quotas }: ExchangeAccountsRouterDeps): Router {
  const router = Router();

  const ownAccount = async (userId: string, accountId: string) => {
    const account = await accounts.findExchangeAccountForUser(db, userId, accountId);
    if (!account) throw notFound('exchange account');
    return account;
  };

  router.get('/', requireScope('read'), async (req, res) => {
    res.json({ accounts: await accounts.listExchangeAccountsForUser(db, currentUser(req).id) });
  });

  router.post('/', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    const input = CreateExchangeAccountInput.parse(req.body);
    // Known before any call: the exchange's profile says whether it needs a passphrase (the URL does not matter here).
    if (exchangeProfile(input.exchangeId, 'http://unused').needsPassphrase && !input.passphrase) {
      throw new HttpError(400, 'invalid_input', `passphrase: ${input.exchangeId} API keys come with a passphrase`, 'passphrase');
    }
    await quotas.checkNewExchangeAccount(user.id);
    const account = await commands.add(user.id, input);
    res.status(201).json({ account });
  });

  router.get('/:id', requireScope('read'), async (req, res) => {
    const user = currentUser(req);
    await ownAccount(user.id, req.params.id!);
    // Snapshot first, then the account: a sync commits both together, so the account read after a snapshot is never
    // older than it (the other order could show a new snapshot beside the account's previous sync times).
    const snapshot = await accounts.latestWalletSnapshot(db, req.params.id!);
    res.json({ account: await ownAccount(user.id, req.params.id!), snapshot });
  });

  router.patch('/:id', requireScope('trade'), async (req, res) => {
    const user = currentUser(req);
    const account = await ownAccount(user.id, req.params.id!);
    const changes = UpdateExchangeAccountInput.parse(req.body);
    // The schedule first: if Temporal refuses, the row still tells the truth about the interval in force.
    if (changes.syncIntervalSeconds !== undefined && changes.syncIntervalSeconds !== account.syncIntervalSeconds) {
      await commands.setInterval(account.id, changes.syncIntervalSeconds);
    }
    res.json({ account: await accounts.updateExchangeAccountForUser(db, user.id, account.id, changes) });
  });

  router.post('/:id/pause', requireScope('trade'), async (req, res) => {
    const account = await ownAccount(currentUser(req).id, req.params.id!);
    await commands.pause(account.id);
    res.json({ account: await accounts.setExchangeAccountStatus(db, account.id, 'paused') });
  });

  router.post('/:id/resume', requireScope('trade'), async (req, res) => {
    const account = await ownAccount(currentUser(req).id, req.params.id!);
    const resumed = await accounts.resumeExchangeAccount(db, account.id, () => commands.resume(account.id));
    // A fresh snapshot now rather than at the next interval; it also re-checks a key the exchange had rejected.
    await commands.syncNow(account.id);
    res.json({ account: resumed });
  });

  router.post('/:id/sync', requireScope('trade'), async (req, res) => {
    const account = await ownAccount(currentUser(req).id, req.params.id!);
    await commands.syncNow(account.id);
    res.status(202).json({ account });
  });

  router.delete('/:id', requireScope('trade'), async (req, res) => {
    const account = await ownAccount(currentUser(req).id, req.params.id!);
    const users = await botsUsingExchangeAccount(db, account.id);
    if (users.length > 0) throw new HttpError(409, 'conflict', `bots trade on this account (${users.join(', ')}): delete them first`);
    await commands.removeSchedule(account.id);
    // Snapshots go with the row (on delete cascade).
    await accounts.deleteExchangeAccountRecord(db, account.id);
    res.status(204).end();
  });

  return router;
}
