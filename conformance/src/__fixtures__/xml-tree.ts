/**
 * A strict XML 1.0 parse (saxes: any well-formedness error, a disallowed character included,
 * throws) into a small element tree, for tests that check a document's structure.
 */
import { SaxesParser } from 'saxes';

/** One element: its name, attributes, child elements and all the text inside it. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

/** Parses `xml`; throws on the first well-formedness error. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag) => {
    const element: XmlElement = {
      name: tag.name,
      attributes: tag.attributes as Record<string, string>,
      children: [],
      text: '',
    };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on('text', (text) => {
    for (const element of stack) element.text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  if (failure !== undefined) throw failure;
  if (root === undefined) throw new Error('no root element');
  return root;
}

/** Every element named `name` under `root` (itself included), in document order. */
export function elements(root: XmlElement, name: string): XmlElement[] {
  const found = root.name === name ? [root] : [];
  for (const child of root.children) found.push(...elements(child, name));
  return found;
}
