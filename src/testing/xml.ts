// A strict little XML reader for tests that must prove a document is well-formed (an SVG drawn by our own code):
// every tag closed in order, attributes quoted and unique, no stray "<" and only the five entities or character
// references. It throws on the first fault and answers the elements in document order with their attributes.
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  parent: XmlElement | null;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*$/;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function checkText(s: string, where: string): string {
  if (s.includes('<')) throw new Error(`a stray "<" in ${where}`);
  const bare = s.replace(ENTITY, '');
  if (bare.includes('&')) throw new Error(`an "&" that is not an entity in ${where}: ${s.slice(0, 60)}`);
  return s.replace(ENTITY, (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" })[e] ?? String.fromCodePoint(Number(e.slice(2, -1).replace(/^x/, '0x'))));
}

export function parseXml(source: string): XmlElement[] {
  const all: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  let roots = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const text = source.slice(i, lt === -1 ? source.length : lt);
    if (text.trim() !== '') {
      if (stack.length === 0) throw new Error(`text outside the root element: ${text.slice(0, 40)}`);
      stack[stack.length - 1]!.text += checkText(text, 'text');
    }
    if (lt === -1) break;
    if (source.startsWith('<!--', lt)) {
      const end = source.indexOf('-->', lt);
      if (end === -1) throw new Error('an unclosed comment');
      i = end + 3;
      continue;
    }
    const gt = source.indexOf('>', lt);
    if (gt === -1) throw new Error('an unclosed tag');
    const tag = source.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameMatch = /^([^\s/>]+)/.exec(body);
    if (!nameMatch || !NAME.test(nameMatch[1]!)) throw new Error(`a bad tag name in <${tag.slice(0, 30)}>`);
    const attributes: Record<string, string> = {};
    let rest = body.slice(nameMatch[1]!.length);
    for (;;) {
      rest = rest.replace(/^\s+/, '');
      if (rest === '') break;
      const m = /^([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(rest);
      if (!m) throw new Error(`a malformed attribute in <${nameMatch[1]}>: ${rest.slice(0, 40)}`);
      if (Object.hasOwn(attributes, m[1]!)) throw new Error(`attribute ${m[1]} twice in <${nameMatch[1]}>`);
      attributes[m[1]!] = checkText(m[2] ?? m[3] ?? '', `attribute ${m[1]}`);
      rest = rest.slice(m[0].length);
    }
    const parent = stack[stack.length - 1] ?? null;
    if (!parent && roots++ > 0) throw new Error('more than one root element');
    const element: XmlElement = { name: nameMatch[1]!, attributes, parent, children: [], text: '' };
    parent?.children.push(element);
    all.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (all.length === 0) throw new Error('no element');
  return all;
}
