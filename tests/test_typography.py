"""French typography of the rendered pages (generator/typography.py): the spaces it adds, and what it leaves alone."""

from __future__ import annotations

import pytest

from generator.typography import french_html, french_text

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(("plain", "typeset"), [
    ("Gravité : élevée", f"Gravité{NBSP}: élevée"),
    ("sortante ; le groupe", f"sortante{NNBSP}; le groupe"),
    ("Pourquoi ? Parce que !", f"Pourquoi{NNBSP}? Parce que{NNBSP}!"),
    ("vraiment ?!", f"vraiment{NNBSP}?!"),
    ("« temporairement »", f"«{NNBSP}temporairement{NNBSP}»"),
    ("« Modifier les règles sortantes » :", f"«{NNBSP}Modifier les règles sortantes{NNBSP}»{NBSP}:"),
    ("à la fin :", f"à la fin{NBSP}:"),
    ("sur deux\n  lignes :\nsuite", f"sur deux\n  lignes{NBSP}:\nsuite"),
    (f"déjà{NBSP}: et déjà{NNBSP}; tels quels", f"déjà{NBSP}: et déjà{NNBSP}; tels quels"),
    (f"espace fine{NNBSP}: devient insécable", f"espace fine{NBSP}: devient insécable"),
])
def test_french_text_gets_no_break_spaces_before_marks_and_inside_guillemets(plain: str, typeset: str) -> None:
    assert french_text(plain) == typeset


@pytest.mark.parametrize("text", [
    "à 10:30 précises",
    "voir http://example.com/ et https://example.com/a?b=c",
    "l'adresse ::/0 et le port 443:8443",
    "la recherche ?q=ssh",
    "Note: sans espace, l'auteur l'ajoute",
    "rien à faire",
])
def test_french_text_adds_no_space_and_leaves_marks_inside_words(text: str) -> None:
    assert french_text(text) == text


def test_french_html_leaves_code_attributes_and_scripts_alone() -> None:
    html = (
        '<p title="Note : titre" data-template="{n} : {m}">Note : <code>Type : AWS::EC2</code> et '
        '<a href="https://example.com/?q=a : b">le lien : ici</a> ?</p>\n'
        '<pre><code><span>Key : value ; x ? « y »</span></code></pre>\n'
        "<kbd>Ctrl : C</kbd> <samp>sortie : ok</samp>\n"
        '<script>if (a<b) { s = "x : y"; }</script><style>a::after { content: " : "; }</style>\n'
        "<!-- commentaire : tel quel -->"
    )
    assert french_html(html) == (
        f'<p title="Note : titre" data-template="{{n}} : {{m}}">Note{NBSP}: <code>Type : AWS::EC2</code> et '
        f'<a href="https://example.com/?q=a : b">le lien{NBSP}: ici</a>{NNBSP}?</p>\n'
        '<pre><code><span>Key : value ; x ? « y »</span></code></pre>\n'
        "<kbd>Ctrl : C</kbd> <samp>sortie : ok</samp>\n"
        '<script>if (a<b) { s = "x : y"; }</script><style>a::after { content: " : "; }</style>\n'
        "<!-- commentaire : tel quel -->"
    )


def test_french_html_leaves_text_in_another_language_alone() -> None:
    html = ('<div lang="en"><p>Note : kept</p><div>nested : kept</div></div><p>Note : typeset</p>'
            '<h1 lang="fr-FR">Titre : typeset</h1>')
    assert french_html(html) == (f'<div lang="en"><p>Note : kept</p><div>nested : kept</div></div>'
                                 f'<p>Note{NBSP}: typeset</p><h1 lang="fr-FR">Titre{NBSP}: typeset</h1>')


def test_french_html_resumes_after_nested_and_self_closing_code() -> None:
    html = "<pre><code><pre>a : b</pre> : c</code></pre><br/><p>fin : d</p>"
    assert french_html(html) == f"<pre><code><pre>a : b</pre> : c</code></pre><br/><p>fin{NBSP}: d</p>"


def test_french_html_is_idempotent() -> None:
    html = "<p>« Note » : un ; deux ? trois !</p><code>a : b</code>"
    assert french_html(french_html(html)) == french_html(html)


def test_french_html_ends_a_skipped_element_only_at_its_own_end_tag() -> None:
    """Inside code, an end tag in a comment or an attribute value, or of another name, ends nothing; a script
    inside it is jumped over whole."""
    html = ('<pre><!-- </pre> : --><span title="</pre> : "> x : y</span><prex> : </prex>'
            '<script>"</pre>"</script></PRE >apres : z')
    assert french_html(html) == html.replace("apres : z", f"apres{NBSP}: z")
