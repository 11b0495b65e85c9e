import { Detector, Span } from './detector';
import { T_NAME } from './prefilter';

/**
 * Person names and street addresses in free text, where the text's own structure or wording says
 * what a stretch is — without a language model:
 *
 * - names after cues: `my name is …`, `Name: …`, titles (`Mr.`, `Dr`), greetings (`Hi …,`),
 *   `I'm …`, `this is …`, `call me …`, `says …`; a capitalised subject before `is/was/has…`;
 *   a line of two to four capitalised words that is the whole text or heads a contact block;
 * - addresses: a house number with a street word (`74 Sikelianou Street`, `Populierenstraat 374`,
 *   `29 Rue de Tanger`) and its unit (`Apt. 236`), military (`PSC 5420, Box 2708 APO AA 33879`)
 *   and post-office boxes, and what follows `Address:`, `lives at`, `ship to` up to the sentence end.
 *
 * Names a sentence gives no cue for ("… sung by Bonifacy Kaczmarek in 1977") need a named-entity
 * model and are not found here.
 */
const NAME_WORD = String.raw`(?:\p{Lu}[\p{Ll}'’-]+(?:-\p{Lu}[\p{Ll}'’]+)?|\p{Lu}\.?)`;
const PARTICLE = String.raw`(?:van|de|der|den|von|da|di|du|del|della|le|la|bin|al|ter|ten)`;
/** One to four name words, particles allowed between them: `Maika van de Noort`, `Richard M. Nixon`. */
const NAME = String.raw`${NAME_WORD}(?:[ \t]+(?:${PARTICLE}[ \t]+){0,3}${NAME_WORD}){0,3}`;
/** The same, in any case (after `name is`, people type their names in lower case). */
const NAME_ANY_CASE = String.raw`[\p{L}'’-]{2,}(?:[ \t]+[\p{L}'’.-]+){0,3}`;

/** Words that start sentences and are no names. */
const NOT_NAME =
  /^(?:The|This|That|These|Those|It|Its|He|She|They|We|I|You|There|Here|What|Who|Which|When|Where|Why|How|My|Our|Your|His|Her|Their|A|An|One|Some|All|Any|Each|Every|No|Not|If|But|And|Or|So|Then|Please|Thanks|Thank|Hello|Hi|Dear|Hey|Yes|Bot|User|Customer|Address|Phone|Name|Email|E-mail|Mobile|Fax|Desk|Website|Date|Personal|Info|Mr|Mrs|Ms|Dr|Is|Was|On|In|At|To|For|From|By|With|Of|As|Today|Tomorrow|Yesterday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)$/;

/**
 * A cue, found by a plain (fast, non-Unicode) expression, and the name right after it, read by a
 * sticky Unicode expression only where a cue stands.
 */
interface Cue {
  anchor: RegExp;
  name: RegExp;
}
const CUES: readonly Cue[] = [
  // `name is dan`, `Name: Sieuwerd Heuver`, `maiden name is Vida`
  { anchor: /\bname(?:[ \t]+is|[ \t]*[:=])[ \t]*/gi, name: new RegExp(String.raw`(${NAME_ANY_CASE})(?![\w])`, 'yu') },
  { anchor: /\b(?:mr|mrs|ms|miss|mx|dr|prof|sir|madam)\.?[ \t]+/gi, name: new RegExp(`(${NAME})`, 'yu') },
  {
    anchor: /(?:^|[\n.!?][ \t]*)(?:hi|hello|dear|hey|good (?:morning|afternoon|evening))[ \t]+/gi,
    name: new RegExp(String.raw`(${NAME})[ \t]*(?=[,!\n:]|$)`, 'yu'),
  },
  {
    anchor:
      /\b(?:I'm|I am|this is|call me|says|said|signed|regards,?\s*|sincerely,?\s*|my (?:kid|son|daughter|wife|husband|partner|friend|mother|father|brother|sister|colleague|manager|boss)|to add|want to add)[ \t]+/g,
    name: new RegExp(`(${NAME})`, 'yu'),
  },
];
const SUBJECTS = [
  // A capitalised subject of two or more words: `John Oliver is a comedian.`, `Dan Bar has a bank account.`
  new RegExp(
    String.raw`(?:^|[\n.!?"(][ \t]*)(${NAME_WORD}(?:[ \t]+(?:${PARTICLE}[ \t]+){0,3}${NAME_WORD}){1,3})(?:'s)?[ \t]+(?:is|was|has|had|began|spent|says|said|lives|lived|works|worked|wrote|just|will|would)\b`,
    'gu',
  ),
  // One word, before verbs only people do: `Alvir spent a year …`, `Ley began writing …`
  new RegExp(
    String.raw`(?:^|[\n.!?"(][ \t]*)(${NAME_WORD})(?:'s)?[ \t]+(?:began|spent|says|said|lives|lived|works|worked|wrote|told|asked|replied)\b`,
    'gu',
  ),
];
/** A line that is nothing but a name: the whole text, or the head of a contact block. */
const NAME_LINE = new RegExp(String.raw`^[ \t>]*(${NAME})[ \t]*$`, 'gmu');
const NAME_LINE_ANY_CASE = new RegExp(
  String.raw`^[ \t>]*(\p{L}[\p{L}'’-]+(?:[ \t]+\p{L}[\p{L}'’.-]*){1,3})[ \t]*$`,
  'u',
);
/** Labels of a contact block (`Phone:`, `E-mail:`, `Address:`…). */
const CONTACT_LABEL = /^(?:[ \t>]*)(?:phone|e-?mail|mobile|fax|desk|address|tel|website|personal info)\b/gim;

const STREET_SUFFIX = String.raw`(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|Court|Ct\.?|Way|Place|Pl\.?|Terrace|Square|Sq\.?|Highway|Hwy\.?|Parkway|Pkwy\.?|Circle|Cir\.?|Trail|Pass|Crescent|Close|Row|Walk|Forges?|Gardens|Mews|Hill|Park|Plaza|tér|út|utca|út)`;
/** Street words written as one compound with the name: `Populierenstraat`, `Snellmaninkatu`, `Wingertweg`. */
const COMPOUND_STREET = String.raw`(?:\p{L}+|[ \t])(?:straat|strasse|straße|str\.|katu|gatan|gata|gade|vej|veien|vegen|weg|gasse|platz|laan|dreef|plein|tie|tee|väg|vägen)`;
const LEADING_STREET = String.raw`(?:Rue|Via|Viale|Piazza|Calle|Avenida|Rua|Avenue|Av\.|Boulevard|Chemin|Strada|Corso|Largo|Plaza|Paseo|Travessa|Rambla|Carrer|Ulica|ul\.)`;
const STREET_WORD = String.raw`[\p{L}'’.-]+`;
const CAPITAL_WORD = String.raw`(?:d['’])?\p{Lu}[\p{L}'’.-]*`;
const STREET_PARTICLE = String.raw`(?:de|la|le|du|des|del|della|do|da|dos|das|di|von|van)`;
const UNIT = String.raw`(?:[ \t]*,?[ \t\n]*(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.?|#)[ \t]*\d+[A-Za-z]?)*`;
const HOUSE = String.raw`\d{1,6}[A-Za-z]?`;

const ADDRESSES = [
  // `74 Sikelianou Street`, `0538 15 Millicent Drive`, `18 McPherson Road Suite 019`
  new RegExp(
    String.raw`(?<![\w.,-])(?:${HOUSE}[ \t]+)?${HOUSE}[ \t]+(?:${STREET_WORD}[ \t]+){0,3}${STREET_SUFFIX}(?![\p{L}\d])(?:[ \t]+${HOUSE}\b)?${UNIT}`,
    'giu',
  ),
  // `Populierenstraat 374`, `Villacher Strasse 89`, `Erzsébet tér 19.`
  new RegExp(
    String.raw`(?<![\w-])(?:${HOUSE}[ \t]+)?(?:${STREET_WORD}[ \t]+){0,2}(?:${COMPOUND_STREET}|Stra(?:ss|ß)e|tér|út|utca)[ \t]+${HOUSE}\b\.?${UNIT}`,
    'giu',
  ),
  // `29 Rue de Tanger`, `Piazza Rezzonico 35`, `Avenue d'Ouchy 109`
  new RegExp(
    String.raw`(?<![\w-])(?:${HOUSE}[ \t]+){0,2}${LEADING_STREET}[ \t]+(?:(?:${STREET_PARTICLE}|${CAPITAL_WORD})[ \t]+){0,3}${CAPITAL_WORD}(?:[ \t]+${HOUSE}\b)?${UNIT}`,
    'gu',
  ),
  // US military and post-office boxes
  /\b(?:PSC|Unit|CMR)[ \t]+\d{1,5},?[ \t]+Box[ \t]+\d{1,5}(?:[ \t]*\n?[ \t]*(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5})?/gi,
  /\b(?:\d{1,6}[ \t]+)?P\.?[ \t]?O\.?[ \t]+Box[ \t]+\d{1,6}(?:[ \t]*(?:Apt\.?|Suite)[ \t]*\d+)?/gi,
];
/** Cheap tests, one per expression of ADDRESSES, that must pass before it runs. */
const ADDRESS_GATES = [
  /\d[ \t]+[^\s\d]/,
  /(?:stra(?:at|sse|ße)|str\.|katu|gat(?:an|a)|gade|vej|ve[ig]en|weg|gasse|platz|laan|dreef|plein|tie|tee|väg|tér|út|utca)[ \t]+\d/i,
  /(?:Rue|Via|Viale|Piazza|Calle|Avenida|Rua|Avenue|Av\.|Boulevard|Chemin|Strada|Corso|Largo|Plaza|Paseo|Travessa|Rambla|Carrer|Ulica|ul\.)[ \t]/,
  /Box/i,
  /Box/i,
];

/** What follows these words, to the end of the sentence, is an address when it holds a number. */
const ADDRESS_CUE =
  /\b(?:address(?:[ \t]+of[ \t]+[^\n:.]{1,40})?(?:[ \t]+is|[ \t]*:|[ \t]+with)|(?:lives?|living|located|meet(?:[ \t]+me)?|arrived|stay(?:ing)?)[ \t]+at|(?:send|ship|deliver|mail|moved)(?:[ \t]+(?:it|them|this|a new one|the card))?[ \t]+to|(?:station|office|shop|store|house) is (?:on|at))[ \t]*\n?[ \t]*/gi;
const CUED_ADDRESS_END = /[.?!;](?=\s|$)|\n\s*\n|[ \t]+(?:for|last|as|and I|I am|which|because)\b|$/;

function push(into: Span[], start: number, end: number, entity: string): void {
  if (end > start) into.push({ start, end, entity });
}

export class FreeTextNameDetector implements Detector {
  readonly entity = 'person';
  readonly triggers = T_NAME;
  /** A cued address runs up to 160 characters to its sentence's end. */
  readonly reach = 176;

  find(text: string): Span[] {
    const spans: Span[] = [];
    this.names(text, spans);
    this.addresses(text, spans);
    return spans.sort((a, b) => a.start - b.start || b.end - a.end);
  }

  private names(text: string, into: Span[]): void {
    for (const { anchor, name: after } of CUES) {
      anchor.lastIndex = 0;
      for (let m = anchor.exec(text); m !== null; m = anchor.exec(text)) {
        after.lastIndex = m.index + m[0].length;
        const n = after.exec(text);
        if (n) this.name(n[1], n.index, into);
      }
    }
    for (const pattern of SUBJECTS) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text))
        this.name(m[1], m.index + m[0].indexOf(m[1]), into);
    }
    if (text.indexOf('\n') === -1 && text.length > 80) return; // name lines need lines, or a short text
    CONTACT_LABEL.lastIndex = 0;
    const labels = text.indexOf(':') === -1 ? 0 : (text.match(CONTACT_LABEL)?.length ?? 0);
    const whole = text.trim();
    let lines = 1;
    for (let i = text.indexOf('\n'); i !== -1 && lines < 3; i = text.indexOf('\n', i + 1)) lines++;
    NAME_LINE.lastIndex = 0;
    for (let m = NAME_LINE.exec(text); m !== null; m = NAME_LINE.exec(text)) {
      const words = m[1].split(/[ \t]+/);
      if (words.length < 2 || words.some((w) => NOT_NAME.test(w))) continue;
      // The whole text, a contact block (labels), or a multi-line block holding numbers (an address card).
      if (labels === 0 && whole !== m[1] && !(lines >= 3 && /\d{3,}/.test(text))) continue;
      const start = m.index + m[0].indexOf(m[1]);
      push(into, start, start + m[1].length, 'person');
    }
    if (labels >= 2) {
      // The first line of a contact block is its person, whatever the case: `leone mazzi\n\nnurse\n…`
      const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
      const m = NAME_LINE_ANY_CASE.exec(firstLine);
      if (m && !/\d/.test(m[1])) {
        const start = firstLine.indexOf(m[1]);
        push(into, start, start + m[1].length, 'person');
      }
    }
  }

  private name(found: string, start: number, into: Span[]): void {
    const name = trimName(found);
    if (name && !NOT_NAME.test(name.split(/[ \t]/)[0])) push(into, start, start + name.length, 'person');
  }

  private addresses(text: string, into: Span[]): void {
    if (!/\d/.test(text)) return;
    for (let i = 0; i < ADDRESSES.length; i++) {
      const pattern = ADDRESSES[i];
      if (!ADDRESS_GATES[i].test(text)) continue;
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        if (!/\d/.test(m[0])) continue;
        push(into, m.index, absorbLines(text, m.index + m[0].trimEnd().length), 'street_address');
      }
    }
    ADDRESS_CUE.lastIndex = 0;
    for (let m = ADDRESS_CUE.exec(text); m !== null; m = ADDRESS_CUE.exec(text)) {
      const from = m.index + m[0].length;
      const rest = text.slice(from, from + 160);
      const end = CUED_ADDRESS_END.exec(rest);
      const value = rest.slice(0, end ? end.index : rest.length).trimEnd();
      if (value.length >= 6 && /\d/.test(value) && !/@|:\/\//.test(value))
        push(into, from, from + value.length, 'street_address');
    }
  }
}

/** Following lines of an address block (city, region, country, postcode): short, no labels, at most four. */
const BLOCK_LINE = /^\n[ \t>]*,?[ \t]*[\p{L}\d][\p{L}\d '’.,-]{0,40}(?=\n|$)/u;

function absorbLines(text: string, end: number): number {
  for (let n = 0; n < 4; n++) {
    const m = BLOCK_LINE.exec(text.slice(end, end + 48));
    if (!m || /^\n[ \t>]*(?:phone|e-?mail|mobile|fax|desk|tel|website)\b/i.test(m[0])) break;
    end += m[0].length;
  }
  return end;
}

/** Drops a trailing initial's dot-less remains and words that end a name (`Mayers.` → `Mayers`). */
function trimName(name: string): string {
  return name
    .replace(/[ \t]+(?:and|or|from|as|is|was|has|had|the|a|an|in|on|at|to|for|of)(?:[ \t].*)?$/i, '')
    .replace(/[.,'’-]+$/, '');
}
