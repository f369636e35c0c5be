// An error the bot reports to an API caller: FreqTrade's RPCException, answered with HTTP 502 and {"error"}.
export class RpcError extends Error {
  override readonly name = 'RpcError';
}
