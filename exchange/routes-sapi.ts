// The few /sapi/v1 reads ccxt and FreqTrade make on a spot account, answered as for an account with no margin pairs and no delistings.
import { Router, type Request, type Response } from 'express';
import { signedAccount } from './api-request.js';
import { errors } from './errors.js';
import type { PaperExchange } from './paper-exchange.js';

/**
 * Only used when a client also points urls.api.sapi here: ccxt's loadMarkets asks for margin pairs when it has keys
 * (unless options.fetchMargins is false), and FreqTrade in live mode asks for the spot delisting schedule.
 */
export function sapiRouter(engine: PaperExchange): Router {
  const router = Router();
  const none = (req: Request, res: Response) => {
    signedAccount(engine, req, res);
    res.json([]);
  };
  router.get('/margin/allPairs', none);
  router.get('/margin/isolated/allPairs', none);
  router.get('/spot/delist-schedule', none);
  router.use(() => {
    throw errors.unsupported();
  });
  return router;
}
