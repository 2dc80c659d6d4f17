import { DEFAULT_LANGUAGE, fromAcceptLanguage, isLanguage, type Language } from '@earshot/i18n';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../context';
import { AppError, notFound } from '../http/errors';
import { remindersOf } from '../schedule/store';
import { findUser, profile } from '../social/users-store';
import { loadRoom } from '../spaces/store';
import {
  type CardImage,
  fillIndex,
  type ProfileCardData,
  profileImage,
  profileMeta,
  type SpaceCardData,
  spaceImage,
  spaceMeta,
} from './card';
import { CardRenderer, cardKey } from './renderer';

/** A Space's card data, from its room and (scheduled Spaces) its reminder count. */
async function spaceData(services: Services, id: string): Promise<SpaceCardData | null> {
  const room = await loadRoom(services.db, id).catch((err) => {
    if (err instanceof AppError && err.status === 404) return null;
    throw err;
  });
  if (!room) return null;
  const { state, listenerCount } = room;
  const reminders = state.status === 'scheduled' ? (await remindersOf(services.db, [id], null)).get(id) : undefined;
  const replay =
    state.status === 'ended'
      ? await services.recordings
          .info(id, null)
          .then((r) => r.public && r.status === 'ready')
          .catch(() => false)
      : false;
  return {
    id,
    title: state.title,
    topics: state.topics,
    host: { displayName: state.host.displayName, handle: state.host.handle },
    status: state.status,
    listenerCount,
    scheduledFor: state.scheduledFor,
    reminderCount: reminders?.reminderCount ?? null,
    replay,
  };
}

async function profileData(services: Services, handle: string): Promise<ProfileCardData | null> {
  const user = await findUser(services.db, handle).catch(() => null);
  if (!user) return null;
  const p = await profile(services.db, user, null);
  return { handle: p.handle, displayName: p.displayName, bio: p.bio, followers: p.followers, following: p.following };
}

/**
 * Link previews. Crawlers run no JavaScript, so the SPA's own pages for a Space (live, scheduled,
 * or its replay once ended) and a profile answer every GET with index.html whose head carries
 * that page's Open Graph and Twitter card tags; `og:image` is a PNG drawn on the server.
 */
export async function shareRoutes(app: FastifyInstance, services: Services, indexHtml: string) {
  const renderer = new CardRenderer();
  app.addHook('onClose', () => renderer.close());
  const base = (request: FastifyRequest) =>
    services.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;

  // Unknown Spaces and people get the plain app with 200, like every other client-side route.
  const page = (reply: FastifyReply, html: string) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  // The page's language is the reader's (Accept-Language); its og:image carries it along as ?lang=,
  // because the crawler that fetches the picture may send another header (or none).
  const languageOf = (request: FastifyRequest): Language => {
    const asked = (request.query as { lang?: unknown } | undefined)?.lang;
    return isLanguage(asked) ? asked : fromAcceptLanguage(request.headers['accept-language']);
  };
  const langParam = (language: Language) => (language === DEFAULT_LANGUAGE ? '' : `&lang=${language}`);
  const png = async (reply: FastifyReply, card: CardImage) =>
    reply
      .header('cache-control', 'public, max-age=300')
      .type('image/png')
      .send(await renderer.render(card));

  app.get<{ Params: { id: string } }>('/spaces/:id', { schema: { hide: true } }, async (request, reply) => {
    const { id } = request.params;
    const data = id.length <= 64 ? await spaceData(services, id) : null;
    if (!data) return page(reply, indexHtml); // /spaces/new, or a Space the app will say it cannot find
    const root = base(request);
    const language = languageOf(request);
    const key = cardKey(spaceImage(data, language));
    const image = `${root}/api/spaces/${encodeURIComponent(id)}/card.png?v=${key}${langParam(language)}`;
    const meta = spaceMeta(data, `${root}/spaces/${encodeURIComponent(id)}`, image, language);
    return page(reply.header('vary', 'accept-language'), fillIndex(indexHtml, meta));
  });

  app.get<{ Params: { handle: string } }>('/u/:handle', { schema: { hide: true } }, async (request, reply) => {
    const data = await profileData(services, request.params.handle);
    if (!data) return page(reply, indexHtml);
    const root = base(request);
    const language = languageOf(request);
    const handle = encodeURIComponent(data.handle);
    const image = `${root}/api/users/${handle}/card.png?v=${cardKey(profileImage(data, language))}${langParam(language)}`;
    const meta = profileMeta(data, `${root}/u/${handle}`, image, language);
    return page(reply.header('vary', 'accept-language'), fillIndex(indexHtml, meta));
  });

  app.get<{ Params: { id: string } }>(
    '/api/spaces/:id/card.png',
    { schema: { tags: ['share'], summary: 'The Space’s share card (1200×630 PNG)' } },
    async (request, reply) => {
      const data = await spaceData(services, request.params.id);
      if (!data) throw notFound('Space');
      return png(reply.header('vary', 'accept-language'), spaceImage(data, languageOf(request)));
    },
  );

  app.get<{ Params: { handle: string } }>(
    '/api/users/:handle/card.png',
    { schema: { tags: ['share'], summary: 'A profile’s share card (1200×630 PNG)' } },
    async (request, reply) => {
      const data = await profileData(services, request.params.handle);
      if (!data) throw notFound(`user @${request.params.handle}`);
      return png(reply.header('vary', 'accept-language'), profileImage(data, languageOf(request)));
    },
  );
}
