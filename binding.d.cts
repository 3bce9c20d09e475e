// Types of binding.cjs: exactly the generated binding's (native.d.cts).
import native = require('./native.cjs');
export = native;
