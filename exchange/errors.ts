// Binance error responses ({code, msg} with the HTTP status Binance uses), so ccxt maps each to the same error class it would in production.

export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
    this.name = 'BinanceError';
  }
  get body(): { code: number; msg: string } {
    return { code: this.code, msg: this.msg };
  }
}

const bad = (code: number, msg: string) => new BinanceError(400, code, msg);

export const errors = {
  unknown: () => new BinanceError(500, -1000, 'An unknown error occurred while processing the request.'),
  tooMuchWeight: (limit: number, retryAfterSeconds: number) =>
    new BinanceError(
      429,
      -1003,
      `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  invalidMessage: (msg: string) => bad(-1013, msg),
  filterFailure: (filter: string) => bad(-1013, `Filter failure: ${filter}`),
  unsupported: () => new BinanceError(404, -1020, 'This operation is not supported.'),
  timestampAhead: () => bad(-1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  timestampOutside: () => bad(-1021, 'Timestamp for this request is outside of the recvWindow.'),
  badSignature: () => bad(-1022, 'Signature for this request is not valid.'),
  illegalChars: (param: string, legal: string) => bad(-1100, `Illegal characters found in parameter '${param}'; legal range is '${legal}'.`),
  duplicateParam: () => bad(-1101, 'Duplicate values for a parameter detected.'),
  mandatory: (param: string) => bad(-1102, `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`),
  eitherParam: (a: string, b: string) => bad(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  tooLarge: (param: string, max: number) => bad(-1102, `'${param}' contains unexpected value. Cannot be greater than ${max}.`),
  notRequired: (param: string) => bad(-1106, `Parameter '${param}' sent when not required.`),
  badPrecision: (param: string) => bad(-1111, `Parameter '${param}' has too much precision.`),
  invalidTif: () => bad(-1115, 'Invalid timeInForce.'),
  invalidType: () => bad(-1116, 'Invalid orderType.'),
  invalidSide: () => bad(-1117, 'Invalid side.'),
  emptyNewClientOrderId: () => bad(-1118, 'New client order ID was empty.'),
  emptyOrigClientOrderId: () => bad(-1119, 'Original client order ID was empty.'),
  invalidInterval: () => bad(-1120, 'Invalid interval.'),
  invalidSymbol: () => bad(-1121, 'Invalid symbol.'),
  optionalParamsBadCombo: () => bad(-1128, 'Combination of optional parameters invalid.'),
  invalidParam: (param: string) => bad(-1130, `Data sent for parameter '${param}' is not valid.`),
  orderRejected: (msg: string) => bad(-2010, msg),
  insufficientBalance: () => bad(-2010, 'Account has insufficient balance for requested action.'),
  cancelRejected: () => bad(-2011, 'Unknown order sent.'),
  noSuchOrder: () => bad(-2013, 'Order does not exist.'),
  badApiKeyFormat: () => new BinanceError(401, -2014, 'API-key format invalid.'),
  rejectedApiKey: () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
};
