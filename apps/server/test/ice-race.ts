// Its own module: node-datachannel clients (bench listeners) must not load libwebrtc with media-bots.

/**
 * libdatachannel as an offerer now and then refuses the answer ("Got a remote candidate without
 * ICE transport": its ICE transport had already closed). Seen three times in a row right after the
 * media fuzz test, while hundreds of closed peers were still being torn down in the same process;
 * such a client starts over after a pause, up to five times.
 */
export async function retryIceRace<T>(make: () => Promise<T>, onRetry = () => {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await make();
    } catch (err) {
      if (attempt >= 5 || !String(err).includes('without ICE transport')) throw err;
      onRetry();
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
