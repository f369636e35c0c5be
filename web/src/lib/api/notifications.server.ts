// The notification channels (where notifications go besides the dashboard): read and set; secrets are write-only.
import type { RequestEvent } from '@sveltejs/kit';
import { callApi } from './http.server.ts';

export interface ChannelsView {
  webhookUrl: string | null;
  webhookSecretSet: boolean;
  telegramChatId: string | null;
  telegramTokenSet: boolean;
}

export const getChannels = async (event: RequestEvent): Promise<ChannelsView> =>
  (await callApi<{ channels: ChannelsView }>(event, '/api/notifications/channels')).channels;

/** Empty fields clear a channel; an empty secret keeps the stored one. */
export const saveChannels = async (
  event: RequestEvent,
  input: { webhookUrl: string; webhookSecret: string; telegramChatId: string; telegramToken: string },
): Promise<ChannelsView> =>
  (await callApi<{ channels: ChannelsView }>(event, '/api/notifications/channels', {
    method: 'PATCH',
    body: {
      webhookUrl: input.webhookUrl.trim() || null,
      telegramChatId: input.telegramChatId.trim() || null,
      ...(input.webhookSecret ? { webhookSecret: input.webhookSecret } : {}),
      ...(input.telegramToken ? { telegramToken: input.telegramToken } : {}),
    },
  })).channels;
