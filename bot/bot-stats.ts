// What a hosted bot counts about itself for the platform's metrics (bot/host-metrics.ts): its trading loop's iterations
// and their time, the loop's errors, and its API's requests. Plain numbers: a few additions per iteration or request.
export class BotStats {
  iterations = 0;
  iterationSeconds = 0;
  lastIterationSeconds = 0;
  loopErrors = 0;
  apiRequests = 0;
  /** API answers of 500 and above (502: the exchange failed a call the request needed). */
  apiErrors = 0;

  iteration(seconds: number, failed: boolean): void {
    this.iterations += 1;
    this.iterationSeconds += seconds;
    this.lastIterationSeconds = seconds;
    if (failed) this.loopErrors += 1;
  }

  request(status: number): void {
    this.apiRequests += 1;
    if (status >= 500) this.apiErrors += 1;
  }
}
