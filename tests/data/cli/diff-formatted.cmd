diff messy.sb tidy.sb
