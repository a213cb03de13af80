/**
 * Realistic voice applications: a few pages that link to each other the way IVR menus do
 * (a greeting with a `<Gather>` whose `action` is the menu page, menu pages that dial,
 * record, redirect back or hang up). Every URL in a page is a reference that resolves to
 * another page of the same application, so generated calls travel through several
 * documents instead of stopping at the first 404.
 */
import fc from 'fast-check';
import { nearValidDocumentXml, validDocumentXml } from './documents.js';
import {
  dial,
  gather,
  pause,
  play,
  record,
  redirect,
  reject,
  SCREEN_PAGE,
  SCREENED_PAGE,
  say,
  screenDocument,
  screenedDocument,
  sms,
} from './verbs.js';

/** Page names of a generated application; `voice` is the call's `Url`. */
export const MENU_PAGES: readonly string[] = ['voice', 'menu', 'sales', 'support', 'voicemail', 'goodbye'];

/** Any one verb of `<Response>`, weighted toward the common ones. */
export function verb(pages: readonly string[] = MENU_PAGES): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: say() },
    { weight: 2, arbitrary: play() },
    { weight: 2, arbitrary: pause() },
    { weight: 4, arbitrary: gather(pages) },
    { weight: 2, arbitrary: record(pages) },
    { weight: 3, arbitrary: dial(pages) },
    { weight: 2, arbitrary: redirect(pages) },
    { weight: 2, arbitrary: fc.constant('<Hangup/>') },
    { weight: 1, arbitrary: reject() },
    { weight: 1, arbitrary: sms(pages) },
  );
}

/** A document of 1 to `maxVerbs` verbs. */
export function menuDocument(pages: readonly string[] = MENU_PAGES, maxVerbs = 4): fc.Arbitrary<string> {
  return fc
    .array(verb(pages), { minLength: 0, maxLength: maxVerbs })
    .map((verbs) => `<Response>${verbs.join('')}</Response>`);
}

/** The classic entry page: a greeting, a menu prompt, and what happens without input. */
export function greetingDocument(pages: readonly string[] = MENU_PAGES): fc.Arbitrary<string> {
  return fc
    .record({
      greeting: fc.option(say(), { nil: '' }),
      menu: gather(pages),
      noInput: fc.constantFrom(
        '',
        '<Say>Sorry, I did not get that</Say>',
        '<Redirect>voice</Redirect>',
        '<Hangup/>',
      ),
    })
    .map(({ greeting, menu, noInput }) => `<Response>${greeting}${menu}${noInput}</Response>`);
}

/** A whole application: page name → RCML text. */
export type MenuApplication = Readonly<Record<string, string>>;

/**
 * An application of {@link MENU_PAGES}, its entry page usually a greeting with a menu, plus
 * the call-screening pages that dialled parties' whisper `url`s lead to (`screen`, `screened`).
 */
export function menuApplication(pages: readonly string[] = MENU_PAGES): fc.Arbitrary<MenuApplication> {
  const [entry = 'voice', ...rest] = pages;
  const entryDocument = fc.oneof(
    { weight: 3, arbitrary: greetingDocument(pages) },
    { weight: 2, arbitrary: menuDocument(pages) },
  );
  return fc
    .tuple(
      entryDocument,
      fc.tuple(...rest.map(() => menuDocument(pages))),
      screenDocument(),
      screenedDocument(),
    )
    .map(([first, others, screen, screened]) =>
      Object.fromEntries([
        [entry, first],
        ...rest.map((page, i) => [page, others[i] ?? '<Response/>']),
        [SCREEN_PAGE, screen],
        [SCREENED_PAGE, screened],
      ]),
    );
}

/**
 * {@link menuApplication} with some pages replaced by arbitrary documents from
 * `documents.ts`: valid ones using every verb and attribute the spec allows, and near-valid
 * ones with one mutation (bad attribute value, wrong nesting, unknown verb, truncated text).
 * Their URLs mostly lead nowhere (404), which exercises the failure paths.
 */
export function mixedApplication(pages: readonly string[] = MENU_PAGES): fc.Arbitrary<MenuApplication> {
  const foreign = fc.oneof(
    { weight: 2, arbitrary: validDocumentXml() },
    { weight: 1, arbitrary: nearValidDocumentXml().map((d) => d.xml) },
  );
  const replacement = fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: foreign },
  );
  return fc
    .tuple(menuApplication(pages), fc.tuple(...pages.map(() => replacement)))
    .map(([app, replacements]) => ({
      ...app,
      ...Object.fromEntries(pages.map((page, i) => [page, replacements[i] ?? app[page] ?? '<Response/>'])),
    }));
}
