diff --color=never kinds/base.sb kinds/xattr.sb
