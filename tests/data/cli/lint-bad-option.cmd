lint --frob params.sb
