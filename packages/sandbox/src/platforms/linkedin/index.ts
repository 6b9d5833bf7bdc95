// LinkedIn's versioned REST API, as much as Herald uses: create a post (text, one image, several
// images, a video, an article link), upload images (./images.ts) and videos (./videos.ts), list
// an author's posts, the member's organizations (./organizations.ts), and OAuth (./oauth.ts: the
// consent page, the token endpoint, /v2/userinfo). Mounted under /linkedin, so
// `{sandbox}/linkedin` stands in for https://api.linkedin.com (REST calls under /rest), for the
// upload host (/dms-uploads) and for https://www.linkedin.com (/oauth/v2/authorization and
// accessToken, and the post pages at /feed/update/{urn}). Sandbox-only: `POST
// /linkedin/__sandbox/settings` (video part size, processing polls).
import type { ServerResponse } from 'node:http';
import { escapeHtml, layout, mediaPath } from '../../html.ts';
import { html, send } from '../../http.ts';
import type { PlatformRoutes, SandboxContext } from '../../router.ts';
import { linkedinErrorReply, linkedinErrors } from './errors.ts';
import { getImage, initializeUpload, serveImage, uploadImage } from './images.ts';
import { accessToken, authorizationPage, authorizationSubmit, userinfo } from './oauth.ts';
import { organization, organizationAcls } from './organizations.ts';
import { metricsRoute, serveMetrics } from './metrics.ts';
import { createPost, findPostsByAuthor } from './posts.ts';
import { linkedinState } from './state.ts';
import {
  changeSettings,
  finalizeVideoUpload,
  getVideo,
  initializeVideoUpload,
  uploadVideoPart,
} from './videos.ts';

export { linkedinRefreshToken } from './oauth.ts';
export { versionOf } from './request.ts';

export const linkedin: PlatformRoutes = {
  prefix: '/linkedin',
  async handle(req, res, url, path, ctx) {
    const method = req.method ?? 'GET';
    const segments = path.split('/').filter(Boolean).map(decodeSegment);
    const [first, second, third] = segments;

    if (method === 'GET' && segments.length === 2 && first === 'posts') {
      return postPage(res, second!, ctx);
    }
    if (method === 'GET' && segments.length === 3 && first === 'feed' && second === 'update') {
      return postPage(res, third!, ctx);
    }
    if (method === 'GET' && segments.length === 2 && first === 'media') {
      return serveImage(res, second!, ctx);
    }
    if (method === 'PUT' && segments.length === 2 && first === 'dms-uploads') {
      return uploadImage(req, res, second!, ctx);
    }
    if (method === 'PUT' && segments.length === 4 && first === 'dms-uploads') {
      if (second === 'videos') return uploadVideoPart(req, res, url, third!, segments[3]!, ctx);
    }
    if (method === 'POST' && path === '/__sandbox/settings') {
      return send(res, await changeSettings(req, ctx));
    }
    if (path === '/oauth/v2/accessToken') {
      if (method === 'POST') return accessToken(req, res, ctx);
      return send(res, linkedinErrorReply(linkedinErrors.methodNotAllowed(method, path)));
    }
    if (path === '/oauth/v2/authorization') {
      if (method === 'GET') return send(res, authorizationPage(url));
      if (method === 'POST') return send(res, await authorizationSubmit(req, ctx));
    }
    if (method === 'GET' && path === '/v2/userinfo') return send(res, userinfo(req, ctx));
    if (method === 'GET' && first === 'rest' && second === 'organizationAcls' && !third) {
      return organizationAcls(req, res, url, ctx);
    }
    if (method === 'GET' && first === 'rest' && second === 'organizations' && third) {
      if (segments.length === 3) return organization(req, res, third, ctx);
    }
    if (first === 'rest' && second === 'posts' && segments.length === 2) {
      if (method === 'POST') return createPost(req, res, ctx);
      if (method === 'GET') return findPostsByAuthor(req, res, url, ctx);
    }
    if (first === 'rest' && second === 'images') {
      if (
        method === 'POST' &&
        segments.length === 2 &&
        url.searchParams.get('action') === 'initializeUpload'
      ) {
        return initializeUpload(req, res, ctx);
      }
      if (method === 'GET' && segments.length === 3) return getImage(req, res, third!, ctx);
    }
    if (first === 'rest' && second === 'videos') {
      const action = url.searchParams.get('action');
      if (method === 'POST' && segments.length === 2 && action === 'initializeUpload') {
        return initializeVideoUpload(req, res, ctx);
      }
      if (method === 'POST' && segments.length === 2 && action === 'finalizeUpload') {
        return finalizeVideoUpload(req, res, ctx);
      }
      if (method === 'GET' && segments.length === 3) return getVideo(req, res, third!, ctx);
    }
    // Likes and comments on a post, and an organization's share statistics (./metrics.ts).
    const metrics = metricsRoute(method, segments);
    if (metrics) return serveMetrics(metrics, req, res, url, ctx);
    send(res, linkedinErrorReply(linkedinErrors.notFound(path)));
  },
};

/** A path segment as text; a malformed escape stays as it came (and so matches nothing). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function postPage(res: ServerResponse, urn: string, ctx: SandboxContext): void {
  const post = ctx.store.findPost('linkedin', urn);
  if (!post) {
    return send(
      res,
      html(
        404,
        layout('Post not found', `<h1>Post not found</h1><p><a href="/">All posts</a></p>`),
      ),
    );
  }
  const images = (post.media ?? [])
    .map(({ id, kind }, i) =>
      kind === 'video'
        ? `<video src="${escapeHtml(mediaPath(post, id))}" controls></video>`
        : `<img src="${escapeHtml(mediaPath(post, id))}" alt="Image ${i + 1} of ${post.media!.length}">`,
    )
    .join('\n');
  const article = articleOf(ctx, urn);
  const link = post.link
    ? `<p>${article?.title ? `<strong>${escapeHtml(article.title)}</strong><br>` : ''}<a href="${escapeHtml(post.link)}" rel="nofollow">${escapeHtml(post.link)}</a>${article?.description ? `<br><span class="muted">${escapeHtml(article.description)}</span>` : ''}</p>`
    : '';
  send(
    res,
    html(
      200,
      layout(
        `LinkedIn post ${post.id}`,
        `<p><a href="/">All posts</a></p>
<h1>LinkedIn ${escapeHtml(post.accountId)}</h1>
<p class="muted">Post ${escapeHtml(post.id)} · <time datetime="${escapeHtml(post.createdAt)}">${escapeHtml(post.createdAt)}</time></p>
<div class="message">${escapeHtml(post.message)}</div>
${link}${images ? `<div class="media">\n${images}\n</div>` : ''}`,
      ),
    ),
  );
}

/** The article card of a post, as it was sent (title and description are strings when valid). */
function articleOf(
  ctx: SandboxContext,
  urn: string,
): { title?: string; description?: string } | undefined {
  const post = linkedinState(ctx.store).posts.find((p) => p.id === urn);
  const content = post?.content as
    { article?: { title?: unknown; description?: unknown } } | undefined;
  const article = content?.article;
  if (!article) return undefined;
  return {
    ...(typeof article.title === 'string' ? { title: article.title } : {}),
    ...(typeof article.description === 'string' ? { description: article.description } : {}),
  };
}
