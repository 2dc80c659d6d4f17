// Its own module: node-datachannel clients (bench listeners) must not load libwebrtc with media-bots.

/**
 * libdatachannel as an offerer now and then refuses the answer ("Got a remote candidate without
 * ICE transport", a client-side race); such a client starts over, up to three times.
 */
export async function retryIceRace<T>(make: () => Promise<T>, onRetry = () => {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await make();
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('without ICE transport')) throw err;
      onRetry();
    }
  }
}
