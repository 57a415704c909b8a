// The sandbox's own script, run in every fresh engine before a metric's code (CustomCodeRunner). It evaluates to
// setup(dataJson, memoryLimitBytes, maxExplanationEntries, maxExplanationChars), which the host calls once; setup
// defines `data`, `_result` and `_explanation` and returns [collect, limitHit, describeError] to the host only.
//
// Why it replaces some built-ins: Jint checks its limits between statements and inside some built-ins, but a few
// built-ins build their whole result in one uninterruptible call. Measured on Jint 4.18 with a 32 MB, 1 s limit:
// 'x'.repeat(2 ** 28) allocated 537 MB in 5 s; x.replaceAll('x', y) 537 MB; [nested shared arrays].toString()
// 57 GB in 170 s; JSON.stringify of the same 2 GB in 17 s; .flat(Infinity) 4.3 GB; ''.concat(...) and join 420 MB;
// new ArrayBuffer(2 ** 30) 1 GB at once. The replacements below do the same work in script, where every statement
// and every string concatenation is counted, or refuse a result larger than the memory limit before building it.
// Everything they use is captured here first, so a metric that rewrites prototypes cannot redirect them.
(function () {
    'use strict';
    const g = globalThis;
    const apply = Reflect.apply;
    const defineProperty = Object.defineProperty;
    const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
    const deleteProperty = Reflect.deleteProperty;
    const objectKeys = Object.keys;
    const isArray = Array.isArray;
    const toObject = Object;
    const StringOf = String;
    const TypeErr = TypeError;
    const RangeErr = RangeError;
    const floor = Math.floor;
    const min = Math.min;
    const trunc = Math.trunc;
    const maxSafe = Number.MAX_SAFE_INTEGER;
    const parseJson = JSON.parse;
    const nativeStringify = JSON.stringify;
    const stringSlice = String.prototype.slice;
    const stringIndexOf = String.prototype.indexOf;
    const stringIncludes = String.prototype.includes;
    const nativeReplace = String.prototype.replace;
    const nativeReplaceAll = String.prototype.replaceAll;
    const symbolReplace = Symbol.replace;
    const symbolMatch = Symbol.match;
    const nativeRegExpReplace = RegExp.prototype[symbolReplace];
    const regExpPrototype = RegExp.prototype;
    const regExpSource = getOwnPropertyDescriptor(regExpPrototype, 'source').get;
    const objectToString = Object.prototype.toString;
    const numberValueOf = Number.prototype.valueOf;
    const stringValueOf = String.prototype.valueOf;
    const booleanValueOf = Boolean.prototype.valueOf;
    const bigintValueOf = BigInt.prototype.valueOf;

    let maxChars = 0;
    let limitHit = '';

    // Binary data has no use in a call metric, and its constructors allocate whole buffers in one call.
    // ShadowRealm would be a second set of intrinsics without these replacements. Intl.ListFormat joins any number
    // of strings in one call (1.5 GB in 17 s for 200 strings of 1 M characters) and reads its list through the
    // iterator protocol, which a script can redefine, so it cannot be guarded from here.
    const removed = ['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'ShadowRealm', 'TypedArray',
        'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
        'Float16Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
    for (let i = 0; i < removed.length; i++) {
        deleteProperty(g, removed[i]);
    }
    deleteProperty(Intl, 'ListFormat');

    // Descriptors have no prototype, so a polluted Object.prototype.get cannot turn them into accessors.
    function method(target, key, fn) {
        defineProperty(target, key, { __proto__: null, value: fn, writable: true, enumerable: false, configurable: true });
    }

    function global(key, value) {
        defineProperty(g, key, { __proto__: null, value: value, writable: true, enumerable: true, configurable: true });
    }

    function append(list, value) {
        defineProperty(list, list.length, { __proto__: null, value: value, writable: true, enumerable: true, configurable: true });
    }

    function text(value) {
        return `${value}`;
    }

    function coercible(value, name) {
        if (value === undefined || value === null) {
            throw new TypeErr(`${name} called on null or undefined`);
        }
    }

    function integer(value) {
        const n = +value;
        if (n !== n) {
            return 0;
        }
        return n === Infinity || n === -Infinity ? n : trunc(n);
    }

    function length(value) {
        const n = integer(value);
        return n <= 0 ? 0 : min(n, maxSafe);
    }

    function guard(chars, what) {
        if (chars > maxChars) {
            limitHit = 'memory';
            throw new RangeErr(`${what} would build more than ${maxChars} characters`);
        }
    }

    function truncate(value, max) {
        return value.length <= max ? value : apply(stringSlice, value, [0, max]) + '…';
    }

    // --- Strings ---

    method(String.prototype, 'repeat', function repeat(count) {
        coercible(this, 'String.prototype.repeat');
        let s = text(this);
        let n = integer(count);
        if (n < 0 || n === Infinity) {
            throw new RangeErr(`Invalid count value: ${n}`);
        }
        if (n === 0 || s.length === 0) {
            return '';
        }
        guard(s.length * n, 'String.prototype.repeat');
        let result = '';
        for (;;) {
            if (n % 2 === 1) {
                result += s;
            }
            n = floor(n / 2);
            if (n === 0) {
                return result;
            }
            s += s;
        }
    });

    method(String.prototype, 'concat', function concat(...values) {
        coercible(this, 'String.prototype.concat');
        let result = text(this);
        for (let i = 0; i < values.length; i++) {
            result += text(values[i]);
        }
        return result;
    });

    method(String, 'raw', function raw(template, ...substitutions) {
        coercible(template, 'String.raw');
        const literals = template.raw;
        coercible(literals, 'String.raw');
        const count = length(toObject(literals).length);
        let result = '';
        for (let i = 0; i < count; i++) {
            result += text(literals[i]);
            if (i + 1 < count && i < substitutions.length) {
                result += text(substitutions[i]);
            }
        }
        return result;
    });

    // GetSubstitution (ECMA-262 22.1.3.19.1) for a replacement template, from the arguments a replace callback gets:
    // (matched, ...captures, position, string, groups?).
    function substitute(template, args) {
        if (apply(stringIndexOf, template, ['$']) === -1) {
            return template;
        }
        const last = args[args.length - 1];
        const groups = typeof last === 'object' && last !== null ? last : undefined;
        const captures = args.length - (groups === undefined ? 3 : 4);
        const matched = text(args[0]);
        const position = args[captures + 1];
        const str = text(args[captures + 2]);
        let result = '';
        for (let i = 0; i < template.length; i++) {
            const c = template[i];
            const next = template[i + 1];
            if (c !== '$' || next === undefined) {
                result += c;
            } else if (next === '$') {
                result += '$';
                i++;
            } else if (next === '&') {
                result += matched;
                i++;
            } else if (next === '`') {
                result += apply(stringSlice, str, [0, position]);
                i++;
            } else if (next === '\'') {
                result += apply(stringSlice, str, [min(position + matched.length, str.length)]);
                i++;
            } else if (next >= '0' && next <= '9') {
                let index = +next;
                let digits = 1;
                const second = template[i + 2];
                if (second !== undefined && second >= '0' && second <= '9') {
                    const two = index * 10 + +second;
                    if (two >= 1 && two <= captures) {
                        index = two;
                        digits = 2;
                    }
                }
                if (index >= 1 && index <= captures) {
                    const capture = args[index];
                    if (capture !== undefined) {
                        result += text(capture);
                    }
                    i += digits;
                } else {
                    result += '$';
                }
            } else if (next === '<' && groups !== undefined) {
                const close = apply(stringIndexOf, template, ['>', i + 2]);
                if (close === -1) {
                    result += '$<';
                    i++;
                } else {
                    const capture = groups[apply(stringSlice, template, [i + 2, close])];
                    if (capture !== undefined) {
                        result += text(capture);
                    }
                    i = close;
                }
            } else {
                result += '$';
            }
        }
        return result;
    }

    // A replacement callback that counts what it produces, so no replace can build more than the memory limit.
    function counting(replaceValue, what) {
        const callable = typeof replaceValue === 'function';
        const template = callable ? '' : text(replaceValue);
        let produced = 0;
        return function (...args) {
            const piece = callable ? text(apply(replaceValue, undefined, args)) : substitute(template, args);
            produced += piece.length;
            guard(produced, what);
            return piece;
        };
    }

    function isRegExp(value) {
        if ((typeof value !== 'object' || value === null) && typeof value !== 'function') {
            return false;
        }
        const matcher = value[symbolMatch];
        if (matcher !== undefined) {
            return !!matcher;
        }
        try {
            apply(regExpSource, value, []);
            return value !== regExpPrototype;
        } catch {
            return false;
        }
    }

    method(RegExp.prototype, symbolReplace, {
        [symbolReplace](string, replaceValue) {
            return apply(nativeRegExpReplace, this, [string, counting(replaceValue, 'RegExp.prototype[Symbol.replace]')]);
        },
    }[symbolReplace]);

    // A search value with its own Symbol.replace (a RegExp) is dispatched here, reading the method once, so the
    // native replace never meets an uncounted replacement; RegExp's own method is the counting one above.
    method(String.prototype, 'replace', function replace(searchValue, replaceValue) {
        coercible(this, 'String.prototype.replace');
        if (searchValue !== undefined && searchValue !== null) {
            const replacer = searchValue[symbolReplace];
            if (replacer !== undefined && replacer !== null) {
                return apply(replacer, searchValue, [this, replaceValue]);
            }
        }
        return apply(nativeReplace, text(this), [text(searchValue), counting(replaceValue, 'String.prototype.replace')]);
    });

    method(String.prototype, 'replaceAll', function replaceAll(searchValue, replaceValue) {
        coercible(this, 'String.prototype.replaceAll');
        if (searchValue !== undefined && searchValue !== null) {
            if (isRegExp(searchValue)) {
                const flags = searchValue.flags;
                coercible(flags, 'String.prototype.replaceAll');
                if (!apply(stringIncludes, text(flags), ['g'])) {
                    throw new TypeErr('replaceAll must be called with a global RegExp');
                }
            }
            const replacer = searchValue[symbolReplace];
            if (replacer !== undefined && replacer !== null) {
                return apply(replacer, searchValue, [this, replaceValue]);
            }
        }
        return apply(nativeReplaceAll, text(this), [text(searchValue), counting(replaceValue, 'String.prototype.replaceAll')]);
    });

    // --- Arrays ---

    // Arrays being joined, innermost last: a cyclic array joins its own occurrence as '' (as V8 and SpiderMonkey do).
    const joining = [];

    function joinWith(value, separator, element) {
        const o = toObject(value);
        for (let i = 0; i < joining.length; i++) {
            if (joining[i] === o) {
                return '';
            }
        }
        const count = length(o.length);
        const sep = separator === undefined ? ',' : text(separator);
        append(joining, o);
        try {
            let result = '';
            for (let i = 0; i < count; i++) {
                if (i > 0) {
                    result += sep;
                }
                const item = o[i];
                if (item !== undefined && item !== null) {
                    result += element(item);
                }
            }
            return result;
        } finally {
            joining.length = joining.length - 1;
        }
    }

    method(Array.prototype, 'join', function join(separator) {
        coercible(this, 'Array.prototype.join');
        return joinWith(this, separator, text);
    });

    method(Array.prototype, 'toString', function toString() {
        coercible(this, 'Array.prototype.toString');
        const o = toObject(this);
        const join = o.join;
        return typeof join === 'function' ? apply(join, o, []) : apply(objectToString, o, []);
    });

    method(Array.prototype, 'toLocaleString', function toLocaleString() {
        coercible(this, 'Array.prototype.toLocaleString');
        return joinWith(this, ',', item => text(apply(item.toLocaleString, item, [])));
    });

    function flatten(target, source, depth) {
        const count = length(source.length);
        for (let i = 0; i < count; i++) {
            if (i in source) {
                const item = source[i];
                if (depth > 0 && isArray(item)) {
                    flatten(target, item, depth - 1);
                } else {
                    append(target, item);
                }
            }
        }
    }

    method(Array.prototype, 'flat', function flat() {
        coercible(this, 'Array.prototype.flat');
        const depth = arguments.length === 0 || arguments[0] === undefined ? 1 : integer(arguments[0]);
        const result = [];
        flatten(result, toObject(this), depth < 0 ? 0 : depth);
        return result;
    });

    // --- JSON.stringify (ECMA-262 25.5.2), in script: the native one is used only to quote single strings ---

    function quote(value) {
        return apply(nativeStringify, undefined, [value]);
    }

    function hasSlot(value, valueOf) {
        try {
            apply(valueOf, value, []);
            return true;
        } catch {
            return false;
        }
    }

    function unbox(value) {
        switch (apply(objectToString, value, [])) {
            case '[object Number]': return hasSlot(value, numberValueOf) ? +value : value;
            case '[object String]': return hasSlot(value, stringValueOf) ? text(value) : value;
            case '[object Boolean]': return hasSlot(value, booleanValueOf) ? apply(booleanValueOf, value, []) : value;
            case '[object BigInt]': return hasSlot(value, bigintValueOf) ? apply(bigintValueOf, value, []) : value;
            default: return value;
        }
    }

    method(JSON, 'stringify', function stringify(value, replacer, space) {
        const stack = [];
        let indent = '';
        let replacerFunction;
        let propertyList;
        if (typeof replacer === 'function') {
            replacerFunction = replacer;
        } else if (isArray(replacer)) {
            propertyList = [];
            const count = length(replacer.length);
            for (let i = 0; i < count; i++) {
                let v = replacer[i];
                let item;
                if (typeof v === 'string') {
                    item = v;
                } else if (typeof v === 'number') {
                    item = text(v);
                } else if (typeof v === 'object' && v !== null) {
                    const tag = apply(objectToString, v, []);
                    if ((tag === '[object String]' && hasSlot(v, stringValueOf)) || (tag === '[object Number]' && hasSlot(v, numberValueOf))) {
                        item = text(v);
                    }
                }
                if (item !== undefined) {
                    let seen = false;
                    for (let j = 0; j < propertyList.length; j++) {
                        if (propertyList[j] === item) {
                            seen = true;
                        }
                    }
                    if (!seen) {
                        append(propertyList, item);
                    }
                }
            }
        }
        if (typeof space === 'object' && space !== null) {
            const tag = apply(objectToString, space, []);
            if (tag === '[object Number]' && hasSlot(space, numberValueOf)) {
                space = +space;
            } else if (tag === '[object String]' && hasSlot(space, stringValueOf)) {
                space = text(space);
            }
        }
        let gap = '';
        if (typeof space === 'number') {
            const n = min(10, integer(space));
            for (let i = 0; i < n; i++) {
                gap += ' ';
            }
        } else if (typeof space === 'string') {
            gap = apply(stringSlice, space, [0, 10]);
        }

        function enter(holder) {
            for (let i = 0; i < stack.length; i++) {
                if (stack[i] === holder) {
                    throw new TypeErr('Converting circular structure to JSON');
                }
            }
            append(stack, holder);
        }

        function wrap(parts, open, close, stepback) {
            if (parts.length === 0) {
                return open + close;
            }
            let result = open;
            for (let i = 0; i < parts.length; i++) {
                if (gap === '') {
                    result += (i > 0 ? ',' : '') + parts[i];
                } else {
                    result += (i > 0 ? ',\n' : '\n') + indent + parts[i];
                }
            }
            return gap === '' ? result + close : result + '\n' + stepback + close;
        }

        function serializeObject(object) {
            enter(object);
            const stepback = indent;
            indent += gap;
            const names = propertyList !== undefined ? propertyList : objectKeys(object);
            const parts = [];
            for (let i = 0; i < names.length; i++) {
                const name = names[i];
                const member = property(name, object);
                if (member !== undefined) {
                    append(parts, quote(name) + (gap === '' ? ':' : ': ') + member);
                }
            }
            const result = wrap(parts, '{', '}', stepback);
            stack.length = stack.length - 1;
            indent = stepback;
            return result;
        }

        function serializeArray(array) {
            enter(array);
            const stepback = indent;
            indent += gap;
            const count = length(array.length);
            const parts = [];
            for (let i = 0; i < count; i++) {
                const member = property(text(i), array);
                append(parts, member === undefined ? 'null' : member);
            }
            const result = wrap(parts, '[', ']', stepback);
            stack.length = stack.length - 1;
            indent = stepback;
            return result;
        }

        function property(key, holder) {
            let v = holder[key];
            if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
                const toJSON = v.toJSON;
                if (typeof toJSON === 'function') {
                    v = apply(toJSON, v, [key]);
                }
            }
            if (replacerFunction !== undefined) {
                v = apply(replacerFunction, holder, [key, v]);
            }
            if (typeof v === 'object' && v !== null) {
                v = unbox(v);
            }
            if (v === null) {
                return 'null';
            }
            switch (typeof v) {
                case 'boolean': return v ? 'true' : 'false';
                case 'string': return quote(v);
                case 'number': return v === v && v !== Infinity && v !== -Infinity ? text(v) : 'null';
                case 'bigint': throw new TypeErr('Do not know how to serialize a BigInt');
                case 'object': return isArray(v) ? serializeArray(v) : serializeObject(v);
                default: return undefined;
            }
        }

        const wrapper = {};
        defineProperty(wrapper, '', { __proto__: null, value: value, writable: true, enumerable: true, configurable: true });
        return property('', wrapper);
    });

    // --- The host's side ---

    function describe(value) {
        if (value === null) {
            return { __proto__: null, type: 'null', shown: 'null' };
        }
        switch (typeof value) {
            case 'undefined': return { __proto__: null, type: 'undefined', shown: 'undefined' };
            case 'boolean': return { __proto__: null, type: 'boolean', value: value, shown: text(value) };
            case 'number': return { __proto__: null, type: 'number', value: value === value && value !== Infinity && value !== -Infinity ? value : null, shown: text(value) };
            case 'string': return { __proto__: null, type: 'string', value: value, shown: quote(truncate(value, 60)) };
            case 'bigint': return { __proto__: null, type: 'bigint', shown: text(value) + 'n' };
            case 'symbol': return { __proto__: null, type: 'symbol', shown: 'a symbol' };
            case 'function': return { __proto__: null, type: 'function', shown: 'a function' };
            default: return isArray(value)
                ? { __proto__: null, type: 'array', shown: 'an array' }
                : { __proto__: null, type: 'object', shown: 'an object' };
        }
    }

    return function setup(dataJson, memoryLimitBytes, maxExplanationEntries, maxExplanationChars) {
        maxChars = floor(memoryLimitBytes / 2);
        global('data', parseJson(dataJson));
        global('_result', undefined);
        global('_explanation', undefined);

        // The result as JSON built by hand from primitives, so no toJSON or polluted prototype can shape it.
        function collect() {
            let result;
            let explanation;
            // Identifiers, not globalThis properties: a metric may declare them with let or const.
            try {
                result = _result;
            } catch {
                result = undefined;
            }
            try {
                explanation = _explanation;
            } catch {
                explanation = undefined;
            }
            const d = describe(result);
            let json = '{"type":' + quote(d.type) + ',"shown":' + quote(d.shown);
            if (d.value !== undefined) {
                json += ',"value":' + (d.value === null ? 'null' : quote(d.value));
            }
            json += ',"explanation":[';
            if (explanation !== undefined && explanation !== null) {
                const entries = isArray(explanation) ? explanation : [explanation];
                const count = min(length(entries.length), maxExplanationEntries);
                for (let i = 0; i < count; i++) {
                    const entry = entries[i];
                    json += (i > 0 ? ',' : '') + quote(truncate(typeof entry === 'string' ? entry : StringOf(entry), maxExplanationChars));
                }
            }
            return json + ']}';
        }

        function limit() {
            return limitHit;
        }

        function describeError(error) {
            if ((typeof error === 'object' && error !== null) || typeof error === 'function') {
                let name = '';
                let message = '';
                try {
                    const n = error.name;
                    name = typeof n === 'string' ? n : '';
                } catch {
                    name = '';
                }
                try {
                    const m = error.message;
                    message = typeof m === 'string' ? m : '';
                } catch {
                    message = '';
                }
                const both = name !== '' && message !== '' ? name + ': ' + message : name + message;
                return truncate(both === '' ? 'an object that is not an Error' : both, maxExplanationChars);
            }
            return truncate(typeof error === 'symbol' ? 'a symbol' : StringOf(error), maxExplanationChars);
        }

        return [collect, limit, describeError];
    };
})();
