// Types of binding.cjs: exactly the generated binding's (loader.d.cts).
import native = require('./loader.cjs');
export = native;
