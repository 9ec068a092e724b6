"""Rouge 3.30's lexer registry, as kramdown's rouge highlighter looks names up in it.

``NAMES`` is every name and alias ``Rouge::Lexer.find`` knows (case-sensitive): a fence whose
language is not among them is no highlighted block in kramdown but a bare ``<pre><code>``.
``PYGMENTS`` names the Pygments lexer for a rouge name Pygments does not know by that name; a
rouge name with neither is highlighted as plain text (rouge's wrapper, Pygments has no lexer).
Made with ``ruby -e 'require "rouge"; puts Rouge::Lexer.send(:registry).keys.sort'``.
"""

from __future__ import annotations

_NAMES = """
    Dockerfile HAML Isabelle LaTeX OCL R S TeX abap actionscript ada apache apex apib apiblueprint
    applescript armasm as as3 aug augeas awk bash bat batch batchfile bbcbasic behat bib bibtex biml
    bpf brainfuck brightscript brs bs bsdmake bsl c c# c++ ceylon cfc cfscript cl clean clj cljs
    clojure cmake cmhg cmm coffee coffee-script coffeescript common-lisp common_lisp conf config
    configuration console coq cpp cr crystal cs csharp css csvs cucumber cuda cypher cython d dafny
    dart datastudio diff digdag django dlang docker dockerfile dosbatch dot e-mail ecl eex eiffel
    elisp elixir elm emacs-lisp email eml epp eps erb erl erlang eruby esc escape ex exs factor fea
    ff fluent fortran freefem fsharp ftl gd gdscript ghc-cmm ghc-core gherkin glsl gnumake go golang
    gradle graphql groovy hack haml handlebars haskell haxe hbs hcl heex hh hlsl hocon hql hs html
    http hx hy hylang idlang idr idris igorpro ini io irb irb_output isa isabelle isbl j janet java
    javascript jdn jinja jl js jsl json json-doc jsonc jsonnet jsp jsx julia kdb+ kotlin ksh lasso
    lassoscript latex lean leex lhaskell lhs liquid lisp litcoffee literate_coffeescript
    literate_haskell lithaskell livescript llvm ls lua lustre lutin m m68k magik make makefile
    markdown mason mathematica matlab md meson mf microsoftshell minizinc mkd ml moon moonscript
    mosel msgtrans msshell mustache mxml nasm nes nesasm nginx nial nim nimrod nix nixos obj-c
    obj-c++ obj-cpp obj_c obj_c++ obj_cpp objc objc++ objcpp objective_c objective_cpp objectivec
    objectivec++ objectivecpp ocaml ocl openedge opentype opentype_feature_file opentypefeature
    pascal patch perl php php3 php4 php5 pl plaintext plist plsql pony posh postscr postscript
    powershell pp praat prolog prometheus properties proto protobuf pry ps puppet py pyrex python
    pyx q qml r racket rb react realbasic reasonml rego rescript rhtml robot robot-framework
    robot_framework rs rs,ignore rs,no_run rs,should_panic ruby rust rust,ignore rust,no_run
    rust,should_panic s sas sass scala scheme scss sed sh shell shell-session shell_session sieve
    slice slim smalltalk smarty sml solidity sparql sqf sql squeak ssh st stan stata supercollider
    swift systemd syzlang syzprog tap tcl terminal terraform tex text tf toml ts tsx ttcn3 tulip
    turtle twig typescript udiff unit-file vala varnish varnishconf vb vcl velocity verilog vhdl vim
    viml vimscript visualbasic vue vuejs winbatch wl wollok xml xojo xpath xquery yaml yang yml zig
    zir zsh
"""
NAMES = frozenset(_NAMES.split())

PYGMENTS: dict[str, str] = {
    "apex": "java",
    "armasm": "asm",
    "aug": "augeas",
    "batchfile": "batch",
    "behat": "gherkin",
    "common_lisp": "common-lisp",
    "dlang": "d",
    "e-mail": "email",
    "eps": "postscript",
    "eruby": "erb",
    "ff": "freefem",
    "ghc-core": "haskell",
    "gnumake": "make",
    "gradle": "groovy",
    "hack": "php",
    "hbs": "handlebars",
    "hh": "php",
    "isa": "isabelle",
    "jdn": "janet",
    "json-doc": "json",
    "jsonc": "json",
    "kdb+": "q",
    "litcoffee": "coffeescript",
    "literate_coffeescript": "coffeescript",
    "literate_haskell": "literate-haskell",
    "lithaskell": "literate-haskell",
    "ls": "livescript",
    "m": "matlab",
    "microsoftshell": "powershell",
    "mkd": "markdown",
    "ml": "sml",
    "msshell": "powershell",
    "mustache": "handlebars",
    "obj-cpp": "objective-c++",
    "obj_c": "objective-c",
    "obj_c++": "objective-c++",
    "obj_cpp": "objective-c++",
    "objcpp": "objective-c++",
    "objective_c": "objective-c",
    "objective_cpp": "objective-c++",
    "objectivecpp": "objective-c++",
    "patch": "diff",
    "plsql": "sql",
    "pp": "puppet",
    "pry": "irb",
    "ps": "postscript",
    "realbasic": "vb.net",
    "robot": "robotframework",
    "robot-framework": "robotframework",
    "robot_framework": "robotframework",
    "rs,ignore": "rust",
    "rs,no_run": "rust",
    "rs,should_panic": "rust",
    "rust,ignore": "rust",
    "rust,no_run": "rust",
    "rust,should_panic": "rust",
    "shell_session": "console",
    "terminal": "console",
    "unit-file": "systemd",
    "varnish": "vcl",
    "varnishconf": "vcl",
    "vb": "vb.net",
    "viml": "vim",
    "vimscript": "vim",
    "vuejs": "vue",
    "xojo": "vb.net",
    "xpath": "xquery",
    "zir": "zig",
}
