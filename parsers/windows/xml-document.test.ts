import { describe, expect, it } from 'vitest';
import { readXmlDocument, XmlSyntaxError, type XmlElement } from './xml-document.js';

const FW = 'http://www.microsoft.com/GroupPolicy/Settings/WindowsFirewall';
const FLAT = ['InboundFirewallRules', 'OutboundFirewallRules'];

/** An element as (namespace, local name, text or children), to compare documents read both ways. */
function shape(e: XmlElement): unknown {
  return e.children.length === 0 ? [e.ns, e.local, e.text] : [e.ns, e.local, e.children.map(shape)];
}

function extension(body: string, prefix = 'q2'): string {
  return [
    '<?xml version="1.0" encoding="utf-16"?>',
    '<GPO xmlns="http://www.microsoft.com/GroupPolicy/Settings" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    '  <Computer>',
    '    <ExtensionData>',
    `      <Extension xmlns:${prefix}="${FW}" xsi:type="${prefix}:WindowsFirewallSettings">`,
    body,
    '      </Extension>',
    '    </ExtensionData>',
    '  </Computer>',
    '</GPO>',
  ].join('\r\n');
}

const rulesOf = (root: XmlElement) => root.children[0]!.children[0]!.children[0]!.children;

describe('readXmlDocument', () => {
  it('reads flat rule elements with the same names, namespaces, texts and offsets as fast-xml-parser does', () => {
    const body = [
      '        <q2:InboundFirewallRules>',
      '          <q2:Action>Allow</q2:Action>',
      '          <q2:Name>Tom &amp; Jerry &lt;3 &#233;&#x41;</q2:Name>',
      '          <q2:LPort>5269</q2:LPort>',
      '          <q2:Desc />',
      '        </q2:InboundFirewallRules>',
      '        <q2:OutboundFirewallRules>',
      '          <q2:RPort>5061</q2:RPort>',
      '        </q2:OutboundFirewallRules>',
    ].join('\r\n');
    const text = extension(body);
    const fast = readXmlDocument(text, FLAT);
    const slow = readXmlDocument(text, []);
    expect(shape(fast)).toEqual(shape(slow));
    const [fastRules, slowRules] = [rulesOf(fast), rulesOf(slow)];
    expect(fastRules.map((r) => [r.start, r.end])).toEqual(slowRules.map((r) => [r.start, r.end]));
    expect(fastRules[0]!.children.map((c) => [c.start, c.end])).toEqual(slowRules[0]!.children.map((c) => [c.start, c.end]));
    expect(fastRules[0]!.children[1]!.text).toBe('Tom & Jerry <3 éA');
    expect(text.slice(fastRules[1]!.start, fastRules[1]!.end)).toBe('<q2:OutboundFirewallRules>\r\n          <q2:RPort>5061</q2:RPort>\r\n        </q2:OutboundFirewallRules>');
  });

  it('resolves the prefix through the declaration in scope, whatever it is', () => {
    for (const prefix of ['q1', 'q3', 'q6']) {
      const root = readXmlDocument(extension(`<${prefix}:InboundFirewallRules><${prefix}:LPort>443</${prefix}:LPort></${prefix}:InboundFirewallRules>`, prefix), FLAT);
      const [rule] = rulesOf(root);
      expect([rule!.ns, rule!.local, rule!.children[0]!.ns, rule!.children[0]!.local]).toEqual([FW, 'InboundFirewallRules', FW, 'LPort']);
    }
  });

  it('leaves to fast-xml-parser what the flat reader does not accept, and reads it the same', () => {
    const deviating = [
      // a comment among the keys, a CDATA value, an attribute, a redeclared prefix, a key of another prefix
      '<q2:InboundFirewallRules><!-- <q2:LPort>1</q2:LPort> --><q2:LPort>443</q2:LPort></q2:InboundFirewallRules>',
      '<q2:InboundFirewallRules><q2:Name><![CDATA[a <b>]]></q2:Name></q2:InboundFirewallRules>',
      '<q2:InboundFirewallRules x="1"><q2:LPort>443</q2:LPort></q2:InboundFirewallRules>',
      '<q2:InboundFirewallRules xmlns:q2="urn:other"><q2:LPort>443</q2:LPort></q2:InboundFirewallRules>',
      '<q2:InboundFirewallRules><q9:LPort xmlns:q9="urn:other">443</q9:LPort></q2:InboundFirewallRules>',
      // text between the keys, a key without prefix, an unknown entity
      '<q2:InboundFirewallRules>note<q2:LPort>443</q2:LPort></q2:InboundFirewallRules>',
      '<q2:InboundFirewallRules xmlns="urn:default"><LPort>443</LPort></q2:InboundFirewallRules>',
      '<q2:InboundFirewallRules><q2:Name>a &nbsp; b</q2:Name></q2:InboundFirewallRules>',
    ];
    for (const element of deviating) {
      const root = readXmlDocument(extension(element), FLAT);
      expect(shape(root)).toEqual(shape(readXmlDocument(extension(element), [])));
    }
    const [commented] = rulesOf(readXmlDocument(extension(deviating[0]!), FLAT));
    expect(commented!.children.map((c) => c.text)).toEqual(['443']);
    const [redeclared] = rulesOf(readXmlDocument(extension(deviating[3]!), FLAT));
    expect(redeclared!.ns).toBe('urn:other');
  });

  it('lets fast-xml-parser refuse a key whose end tag does not match', () => {
    for (const element of ['<q2:InboundFirewallRules><q2:LPort>443</q2:LPortX></q2:InboundFirewallRules>', '<q2:InboundFirewallRules><q2:LPort>443</q2:LPort></q2:Inbound>']) {
      expect(() => readXmlDocument(extension(element), FLAT)).toThrow(XmlSyntaxError);
    }
  });

  it('does not take a rule element inside a comment for one', () => {
    const root = readXmlDocument(extension('<!-- <q2:InboundFirewallRules><q2:LPort>23456</q2:LPort></q2:InboundFirewallRules> -->'), FLAT);
    expect(rulesOf(root)).toEqual([]);
  });

  it('reports malformed XML with its offset in the original text, after a cut-down run of rules', () => {
    const rules = '<q2:InboundFirewallRules><q2:LPort>1</q2:LPort></q2:InboundFirewallRules>\r\n'.repeat(3);
    const text = extension(`${rules}<q2:Broken></q2:Other>`);
    let error: unknown;
    try {
      readXmlDocument(text, FLAT);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(XmlSyntaxError);
    const { offset } = error as XmlSyntaxError;
    const line = text.slice(0, offset).split('\n').length;
    expect(text.split('\n')[line - 1]).toContain('<q2:Broken></q2:Other>');
  });
});
