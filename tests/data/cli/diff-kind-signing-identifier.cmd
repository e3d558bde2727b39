diff --color=never kinds/base.sb kinds/signing-identifier.sb
