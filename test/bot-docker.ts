// A bot's Docker things found by its label (every container and volume the platform makes for a bot carries it): what
// the tests count to prove a bot runs in one container, or that nothing of it is left over.
import Docker from 'dockerode';

const docker = new Docker();

export const containersOf = (botId: string) => docker.listContainers({ all: true, filters: { label: [`tradefleet.bot=${botId}`] } });
export const volumesOf = async (botId: string) => (await docker.listVolumes({ filters: { label: [`tradefleet.bot=${botId}`] } })).Volumes ?? [];
