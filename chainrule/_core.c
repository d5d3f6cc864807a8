/* The engine's per-op hot path in C: the same steps as chainrule/primitive/calls.py (apply,
 * record) and chainrule/autodiff/reverse.py (a plain sweep and propagate), without the
 * interpreter's cost per step.
 *
 * This file is an optional speed-up, never a second engine. It handles the common case only —
 * no jit trace, no forward-mode level, no op hooks, no stale tensor to check, no list arguments,
 * no observer, no recorded sweep — and hands everything else to the Python functions it was
 * configured with, which stay the one definition of what the engine does. The pure-Python path
 * runs where this module is not built (no compiler) or CHAINRULE_PURE_PYTHON=1 is set; the
 * tests run both (tests/test_compiled_core.py).
 *
 * Objects are made as the Python code makes them: a Node's and a Tensor's slots are written
 * through the offsets of their member descriptors (what ``__slots__`` made), so the classes
 * stay the Python classes every reader knows. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/* ---- what configure() was given ---------------------------------------------------------- */

static int configured = 0;
static PyObject *Tensor;          /* chainrule.tensor.Tensor */
static PyTypeObject *NodeType;    /* chainrule.graph.Node */
static PyObject *state_var;       /* the ContextVar of chainrule.engine_state */
static PyObject *py_apply;        /* the Python apply and record: every case not handled here */
static PyObject *py_record;
static PyObject *stale_watch;     /* .possible: whether any tensor can be stale yet */
static PyObject *numpy_values;    /* frozenset of the types apply hands on as they are */
static PyObject *real_scalars;    /* frozenset of the types whose values are real */
static PyObject *numpy_generic;   /* numpy.generic */
static PyObject *ndarray;         /* numpy.ndarray */
static PyObject *fit_axes;        /* fit.summed_axes: {(gradient shape, value shape): axes} */
static PyObject *add_reduce;      /* numpy.add.reduce */
static PyObject *sequence;        /* the itertools.count that numbers nodes */
static PyObject *mutation;        /* .epoch: the in-place epoch */
static PyObject *refuse_complex;  /* refuse_complex(prim, raw, out) */
static PyObject *backend_error;   /* BackendError */
static PyObject *check_saved;     /* check_saved(node) */
static PyObject *saved_values;    /* saved_values(node, False) */
static PyObject *fit_gradient;    /* fit_gradient(contribution, x) */
static PyObject *empty_params;    /* shared by ops called without parameters, as operators do */
static PyObject *passes_unchanged;  /* rule_forms.gradient_unchanged: grad_out, as it is */

/* Slot offsets of Tensor and Node instances. */
static Py_ssize_t t_data, t_node, t_grad, t_tangents, t_version, t_base, t_rebinds,
    t_written_as, t_seen_rebinds;
static Py_ssize_t n_prim, n_parents, n_inputs, n_raw, n_out, n_params, n_seq, n_epoch,
    n_tangents, n_clobbered, n_owners;

static PyObject *s_trace, *s_forward_traces, *s_op_hooks, *s_grad_enabled, *s_sweeps, *s_rules,
    *s_keeps_inputs, *s_depth, *s_vjps, *s_forward, *s_reads_inputs, *s_supports_complex,
    *s_possible, *s_epoch, *s_prim, *s_shape, *s_dtype, *s_in_op, *s_name, *s_release,
    *s_kind, *s_base, *s_flags, *s_writeable, *s_bump, *s_observers;

/* getattr(obj, name, None) without raising: 1 found, 0 missing, -1 on error. */
#if PY_VERSION_HEX >= 0x030D0000
#define lookup_attr PyObject_GetOptionalAttr
#else
#define lookup_attr _PyObject_LookupAttr
#endif

#define SLOT(obj, offset) (*(PyObject **)((char *)(obj) + (offset)))

/* Store ``value`` (a new reference is taken) in a slot, empty or holding one already. */
static inline void
set_slot(PyObject *obj, Py_ssize_t offset, PyObject *value)
{
    PyObject *old = SLOT(obj, offset);
    Py_INCREF(value);
    SLOT(obj, offset) = value;
    Py_XDECREF(old);
}

/* A slot's value, or None where it was never set (a new reference). */
static inline PyObject *
get_slot(PyObject *obj, Py_ssize_t offset)
{
    PyObject *value = SLOT(obj, offset);
    if (value == NULL)
        value = Py_None;
    Py_INCREF(value);
    return value;
}

static Py_ssize_t
slot_offset(PyObject *cls, const char *name)
{
    PyObject *descr = PyObject_GetAttrString(cls, name);
    if (descr == NULL)
        return -1;
    if (Py_TYPE(descr) != &PyMemberDescr_Type) {
        PyErr_Format(PyExc_TypeError, "%s is not a __slots__ member", name);
        Py_DECREF(descr);
        return -1;
    }
    Py_ssize_t offset = ((PyMemberDescrObject *)descr)->d_member->offset;
    Py_DECREF(descr);
    return offset;
}

/* An attribute's truth: -1 on error. */
static int
attr_true(PyObject *obj, PyObject *name)
{
    PyObject *value = PyObject_GetAttr(obj, name);
    if (value == NULL)
        return -1;
    int truth = PyObject_IsTrue(value);
    Py_DECREF(value);
    return truth;
}

static inline int
is_tensor(PyObject *obj)
{
    return (PyObject *)Py_TYPE(obj) == Tensor || PyObject_TypeCheck(obj, (PyTypeObject *)Tensor);
}

/* Re-raise a BackendError from the forward or a rule as the Python code does:
 * ``raise exc.in_op(prim.name, values) from None``. Other errors pass as they are. */
static void
name_backend_error(PyObject *prim, PyObject *values)
{
    if (!PyErr_ExceptionMatches(backend_error))
        return;
    PyObject *type, *exc, *tb;
    PyErr_Fetch(&type, &exc, &tb);
    PyErr_NormalizeException(&type, &exc, &tb);
    PyObject *name = PyObject_GetAttr(prim, s_name);
    PyObject *named = name == NULL ? NULL
        : PyObject_CallMethodObjArgs(exc, s_in_op, name, values, NULL);
    Py_XDECREF(name);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    if (named == NULL) {
        Py_DECREF(exc);
        return;
    }
    PyException_SetCause(named, NULL);  /* "from None" */
    PyException_SetContext(named, exc);  /* takes exc */
    ((PyBaseExceptionObject *)named)->suppress_context = 1;
    PyErr_SetObject((PyObject *)Py_TYPE(named), named);
    Py_DECREF(named);
}

/* ---- record: an op on tensors ------------------------------------------------------------- */

static PyObject *
make_tensor(PyObject *data, PyObject *node)
{
    PyTypeObject *type = (PyTypeObject *)Tensor;
    PyObject *zero = PyLong_FromLong(0);
    PyObject *t = zero == NULL ? NULL : type->tp_alloc(type, 0);
    if (t != NULL) {  /* the slots chainrule.tensor.wrap sets, in its order */
        set_slot(t, t_data, data);
        set_slot(t, t_node, node);
        set_slot(t, t_grad, Py_None);
        set_slot(t, t_tangents, Py_None);
        set_slot(t, t_version, zero);
        set_slot(t, t_base, Py_None);
        set_slot(t, t_rebinds, zero);
        set_slot(t, t_written_as, Py_None);
    }
    Py_XDECREF(zero);
    return t;
}

/* A Node as Node.__init__ makes one: numbered by the shared count, at the current epoch. */
static PyObject *
make_node(PyObject *prim, PyObject *parents, PyObject *inputs, PyObject *out, PyObject *params,
          PyObject *raw, PyObject *owners)
{
    PyObject *seq = PyIter_Next(sequence);
    PyObject *epoch = seq == NULL ? NULL : PyObject_GetAttr(mutation, s_epoch);
    PyObject *node = epoch == NULL ? NULL : NodeType->tp_alloc(NodeType, 0);
    if (node != NULL) {
        set_slot(node, n_prim, prim);
        set_slot(node, n_parents, parents);
        set_slot(node, n_inputs, inputs);
        set_slot(node, n_raw, raw);
        set_slot(node, n_out, out);
        set_slot(node, n_params, params);
        set_slot(node, n_seq, seq);
        set_slot(node, n_epoch, epoch);
        set_slot(node, n_tangents, Py_None);
        set_slot(node, n_clobbered, Py_False);
        set_slot(node, n_owners, owners);
    }
    Py_XDECREF(seq);
    Py_XDECREF(epoch);
    return node;
}

/* What record and apply read of the engine's State, decoded once per State: a State never
 * changes (a change is a new State), so the flags of the last one seen are reused while it is
 * the current one. */
typedef struct {
    PyObject *state;  /* a strong reference, so that its address is not reused */
    int traced, forward_levels, op_hooks, busy, grad_enabled, keeps_inputs, depth, observed;
} StateFlags;

static StateFlags last_state = {NULL};

/* Copy the flags of ``state`` into ``flags``; -1 on error. The caller keeps its own copy:
 * the forward and the rules are Python code, during which another thread may make its own
 * State the last one seen. */
static int
flags_of(PyObject *state, StateFlags *flags)
{
    if (state != last_state.state) {
        StateFlags decoded = {state};
        PyObject *trace = PyObject_GetAttr(state, s_trace);
        if (trace == NULL)
            return -1;
        decoded.traced = trace != Py_None;
        Py_DECREF(trace);
        int sweeps, rules;
        if ((decoded.forward_levels = attr_true(state, s_forward_traces)) < 0 ||
                (decoded.op_hooks = attr_true(state, s_op_hooks)) < 0 ||
                (sweeps = attr_true(state, s_sweeps)) < 0 ||
                (rules = attr_true(state, s_rules)) < 0 ||
                (decoded.grad_enabled = attr_true(state, s_grad_enabled)) < 0 ||
                (decoded.keeps_inputs = attr_true(state, s_keeps_inputs)) < 0 ||
                (decoded.depth = attr_true(state, s_depth)) < 0 ||
                (decoded.observed = attr_true(state, s_observers)) < 0)
            return -1;
        decoded.busy = sweeps || rules;
        Py_INCREF(state);
        PyObject *old = last_state.state;
        last_state = decoded;
        *flags = decoded;
        Py_XDECREF(old);  /* may free a State: after the copy, which nothing can change now */
        return 0;
    }
    *flags = last_state;
    return 0;
}

/* chainrule.primitive.calls.version_owners: for a rule that reads input arrays, a weak
 * reference per input held by a tensor to the tensor that counts writes into its array (the
 * tensor, or its base), else None; Py_None (a new reference) for no such input, NULL on error.
 * A reference without a callback refers to nothing the collector could walk into, so it leaves
 * the collector's lists (as the node does): a deep graph then gives the collector nothing. */
static PyObject *
version_owners(PyObject *prim, PyObject *args, PyObject *raw)
{
    int reads = attr_true(prim, s_reads_inputs);
    if (reads <= 0)
        return reads < 0 ? NULL : Py_NewRef(Py_None);
    Py_ssize_t n = PyTuple_GET_SIZE(raw);
    PyObject *owners = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyTuple_GET_ITEM(raw, i), *arg = PyTuple_GET_ITEM(args, i);
        if (x == Py_None || PyFloat_Check(x) || PyLong_Check(x) || PyComplex_Check(x) ||
                !is_tensor(arg))
            continue;
        int scalar = PyObject_IsInstance(x, numpy_generic);
        if (scalar < 0)
            goto failed;
        if (scalar)
            continue;
        if (owners == NULL) {
            if ((owners = PyTuple_New(n)) == NULL)
                return NULL;
            for (Py_ssize_t k = 0; k < n; k++)
                PyTuple_SET_ITEM(owners, k, Py_NewRef(Py_None));
        }
        PyObject *base = SLOT(arg, t_base);
        PyObject *ref = PyWeakref_NewRef(base == NULL || base == Py_None ? arg : base, NULL);
        if (ref == NULL)
            goto failed;
        if (((PyWeakReference *)ref)->wr_callback == NULL && PyObject_GC_IsTracked(ref))
            PyObject_GC_UnTrack(ref);
        Py_DECREF(Py_None);  /* the placeholder */
        PyTuple_SET_ITEM(owners, i, ref);
    }
    if (owners == NULL)
        return Py_NewRef(Py_None);
    PyObject_GC_UnTrack(owners);  /* weak references and None only */
    return owners;
failed:
    Py_XDECREF(owners);
    return NULL;
}

/* Whether ``raw`` and ``out`` hold no object that could refer back to a node (arrays and
 * numbers are not containers the garbage collector tracks). */
static int
holds_no_containers(PyObject *raw, PyObject *out)
{
    if (PyObject_IS_GC(out))
        return 0;
    Py_ssize_t n = PyTuple_GET_SIZE(raw);
    for (Py_ssize_t i = 0; i < n; i++)
        if (PyObject_IS_GC(PyTuple_GET_ITEM(raw, i)))
            return 0;
    return 1;
}

/* Whether every parent is a leaf's node (which holds its tensor weakly) or a node that was
 * itself found plain (untracked): then nothing reachable from them leads to a tensor. */
static int
parents_are_plain(PyObject *parents)
{
    Py_ssize_t n = PyList_GET_SIZE(parents);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *parent = PyList_GET_ITEM(parents, i);
        if (parent == Py_None || !PyObject_GC_IsTracked(parent))
            continue;
        PyObject *grand = SLOT(parent, n_parents);
        if (SLOT(parent, n_prim) != Py_None || grand == NULL || !PyTuple_Check(grand) ||
                PyTuple_GET_SIZE(grand) != 0)
            return 0;
    }
    return 1;
}

/* Whether a value is real: of a real scalar type, or with a dtype whose kind is not 'c'
 * (declaration._complex_in, for one value). -1 on error. */
static int
is_real(PyObject *value)
{
    int found = PySet_Contains(real_scalars, (PyObject *)Py_TYPE(value));
    if (found != 0)
        return found;
    PyObject *dtype;
    if (lookup_attr(value, s_dtype, &dtype) < 0)
        return -1;
    if (dtype == NULL)
        return !PyComplex_CheckExact(value);
    PyObject *kind = PyObject_GetAttr(dtype, s_kind);
    Py_DECREF(dtype);
    if (kind == NULL)
        return -1;
    int complex = PyUnicode_Check(kind) && PyUnicode_CompareWithASCIIString(kind, "c") == 0;
    Py_DECREF(kind);
    return !complex;
}

/* Whether every value is real (then refuse_complex has nothing to refuse); 0 for a tuple of
 * outputs, which the Python check reads. -1 on error. */
static int
all_real(PyObject *out, PyObject *raw)
{
    int found = PyTuple_Check(out) ? 0 : is_real(out);
    Py_ssize_t n = PyTuple_GET_SIZE(raw);
    for (Py_ssize_t i = 0; found == 1 && i < n; i++)
        found = is_real(PyTuple_GET_ITEM(raw, i));
    return found;
}

/* chainrule.tensor.is_stale: a tensor written in place while an alias or a view of it was
 * alive no longer holds its value (see chainrule.inplace). -1 on error. */
static int
is_stale(PyObject *t)
{
    PyObject *written_as = SLOT(t, t_written_as);
    if (written_as != NULL && written_as != Py_None)
        return 1;
    PyObject *base = SLOT(t, t_base);
    if (base == NULL || base == Py_None)
        return 0;
    PyObject *rebinds = SLOT(base, t_rebinds), *seen = SLOT(t, t_seen_rebinds);
    if (rebinds == NULL || seen == NULL)  /* unset: the Python check decides */
        return 1;
    return PyObject_RichCompareBool(rebinds, seen, Py_NE);
}

static PyObject *
fall_back_to_record(PyObject *prim, PyObject *args, PyObject *params)
{
    return PyObject_CallFunctionObjArgs(py_record, prim, args, params, NULL);
}

/* record(prim, args, params): the Python record, on the common case. */
static PyObject *
record_op(PyObject *prim, PyObject *args, PyObject *params, PyObject *current)
{
    StateFlags flags, *state = &flags;
    if (flags_of(current, state) < 0)
        return NULL;
    if (state->traced || state->forward_levels || state->op_hooks || !PyTuple_Check(args))
        return fall_back_to_record(prim, args, params);
    int check_stale = 0;
    if (!state->busy) {  /* the stale check applies outside sweeps and rules */
        check_stale = attr_true(stale_watch, s_possible);
        if (check_stale < 0)
            return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *arg = PyTuple_GET_ITEM(args, i);
        if (PyList_CheckExact(arg) || PyTuple_CheckExact(arg))
            return fall_back_to_record(prim, args, params);
        if (check_stale && is_tensor(arg)) {
            int stale = is_stale(arg);
            if (stale < 0)
                return NULL;
            if (stale)  /* the Python record raises the error that explains it */
                return fall_back_to_record(prim, args, params);
        }
    }
    PyObject *raw = PyTuple_New(n);
    PyObject *parents = raw == NULL ? NULL : PyList_New(n);
    if (parents == NULL) {
        Py_XDECREF(raw);
        return NULL;
    }
    int live = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *arg = PyTuple_GET_ITEM(args, i);
        if (is_tensor(arg)) {
            PyObject *node = get_slot(arg, t_node);
            PyTuple_SET_ITEM(raw, i, get_slot(arg, t_data));
            live = live || node != Py_None;
            PyList_SET_ITEM(parents, i, node);
        }
        else {
            Py_INCREF(arg);
            PyTuple_SET_ITEM(raw, i, arg);
            Py_INCREF(Py_None);
            PyList_SET_ITEM(parents, i, Py_None);
        }
    }
    PyObject *result = NULL, *node = NULL, *out = NULL, *vjps = NULL;
    PyObject *forward = PyObject_GetAttr(prim, s_forward);
    if (forward == NULL)
        goto done;
    out = PyObject_Call(forward, raw, PyDict_GET_SIZE(params) ? params : NULL);
    Py_DECREF(forward);
    if (out == NULL) {
        name_backend_error(prim, raw);
        goto done;
    }
    vjps = PyObject_GetAttr(prim, s_vjps);
    if (vjps == NULL)
        goto done;
    if (vjps == Py_None) {
        result = make_tensor(out, Py_None);
        goto done;
    }
    if (live) {
        if (state->grad_enabled) {
            /* _keeps_inputs in calls.py; the caller has ruled out forward levels and hooks */
            int keeps = state->keeps_inputs || state->depth;
            PyObject *owners = keeps ? Py_NewRef(Py_None) : version_owners(prim, args, raw);
            if (owners == NULL)
                goto done;
            node = make_node(prim, parents, keeps ? args : raw, out, params, raw, owners);
            Py_DECREF(owners);
            if (node == NULL)
                goto done;
            if (!keeps && PyDict_GET_SIZE(params) == 0 && holds_no_containers(raw, out) &&
                    parents_are_plain(parents)) {
                /* A node that holds only arrays, numbers and such plain parents reaches no
                 * tensor and no container that could lead back to it: it is in no reference
                 * cycle, so reference counting frees it, and the garbage collector need not
                 * walk it (and its parents' list) again and again while a graph grows — a
                 * fifth of a deep scalar graph's time. A node that keeps tensors stays
                 * tracked: through them a cycle can form (x → x.grad → its graph → x, after
                 * backward(create_graph=True)), and only the collector frees one. */
                PyObject_GC_UnTrack(raw);
                PyObject_GC_UnTrack(parents);
                PyObject_GC_UnTrack(node);
            }
            int complex_ok = attr_true(prim, s_supports_complex);
            if (complex_ok < 0)
                goto done;
            if (!complex_ok) {
                int real = all_real(out, raw);
                if (real < 0)
                    goto done;
                if (!real) {
                    PyObject *checked = PyObject_CallFunctionObjArgs(refuse_complex, prim, raw,
                                                                     out, NULL);
                    if (checked == NULL)
                        goto done;
                    Py_DECREF(checked);
                }
            }
        }
    }
    result = make_tensor(out, node == NULL ? Py_None : node);
done:
    Py_XDECREF(vjps);
    Py_XDECREF(out);
    Py_XDECREF(node);
    Py_DECREF(parents);
    Py_DECREF(raw);
    return result;
}

static PyObject *
current_state(void)
{
    PyObject *state;
    if (PyContextVar_Get(state_var, NULL, &state) < 0)
        return NULL;
    return state;
}

static int
refuse_unconfigured(void)
{
    if (configured)
        return 0;
    PyErr_SetString(PyExc_RuntimeError,
                    "chainrule._core is used before chainrule.primitive.calls configured it");
    return -1;
}

/* record_op in this thread's (or task's) current state. */
static PyObject *
record_now(PyObject *prim, PyObject *args, PyObject *params)
{
    PyObject *state = current_state();
    if (state == NULL)
        return NULL;
    PyObject *result = record_op(prim, args, params, state);
    Py_DECREF(state);
    return result;
}

static PyObject *
core_record(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (refuse_unconfigured() < 0)
        return NULL;
    if (nargs != 3 || !PyDict_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "record(prim, args, params: dict)");
        return NULL;
    }
    return record_now(args[0], args[1], args[2]);
}

/* ---- apply: a primitive called ------------------------------------------------------------ */

static PyObject *
fall_back_to_apply(PyObject *prim, PyObject *args, PyObject *kwargs)
{
    PyObject *full = PyTuple_New(PyTuple_GET_SIZE(args) + 1);
    if (full == NULL)
        return NULL;
    Py_INCREF(prim);
    PyTuple_SET_ITEM(full, 0, prim);
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); i++) {
        PyObject *arg = PyTuple_GET_ITEM(args, i);
        Py_INCREF(arg);
        PyTuple_SET_ITEM(full, i + 1, arg);
    }
    PyObject *result = PyObject_Call(py_apply, full, kwargs);
    Py_DECREF(full);
    return result;
}

/* Primitive.__call__: apply(prim, *args, **params). */
static PyObject *
primitive_call(PyObject *prim, PyObject *args, PyObject *kwargs)
{
    if (refuse_unconfigured() < 0)
        return NULL;
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    int numbers_only = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *arg = PyTuple_GET_ITEM(args, i);
        PyObject *kind = (PyObject *)Py_TYPE(arg);
        if (kind == Tensor) {
            PyObject *params = kwargs != NULL ? kwargs : empty_params;
            if (kwargs != NULL)  /* the node keeps a dict of its own, as **params gives */
                params = PyDict_Copy(kwargs);
            else
                Py_INCREF(params);
            PyObject *result = params == NULL ? NULL : record_now(prim, args, params);
            Py_XDECREF(params);
            return result;
        }
        if (kind == (PyObject *)&PyFloat_Type || kind == (PyObject *)&PyLong_Type)
            continue;
        int plain = PySet_Contains(numpy_values, kind);
        if (plain < 0)
            return NULL;
        if (!plain)  /* subclasses, sequences, symbols, other libraries: the Python apply */
            return fall_back_to_apply(prim, args, kwargs);
        numbers_only = 0;
    }
    if (numbers_only)  /* Python numbers are computed as NumPy would: the Python apply */
        return fall_back_to_apply(prim, args, kwargs);
    PyObject *state = current_state();
    if (state == NULL)
        return NULL;
    StateFlags flags;
    int failed = flags_of(state, &flags);
    Py_DECREF(state);
    if (failed)
        return NULL;
    if (flags.traced)
        return fall_back_to_apply(prim, args, kwargs);
    PyObject *forward = PyObject_GetAttr(prim, s_forward);
    if (forward == NULL)
        return NULL;
    PyObject *out = PyObject_Call(forward, args, kwargs);
    Py_DECREF(forward);
    if (out == NULL)
        name_backend_error(prim, args);
    return out;
}

static PyTypeObject CallableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "chainrule._core.Callable",
    .tp_doc = PyDoc_STR("The base of Primitive: calling a primitive applies it (apply)."),
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_call = primitive_call,
    .tp_new = PyType_GenericNew,
};

/* ---- Tensor's operators -------------------------------------------------------------------- */

/* OperatorMethod(prim, arity, swapped, name): a Tensor operator such as __add__, which records
 * prim on (self, other), on (other, self) when swapped (__radd__), or on (self,) for arity 1:
 * what tensor_methods' Python operators do, without their frame. A method descriptor, so
 * that ``a + b`` calls it unbound, with no bound method made. */
typedef struct {
    PyObject_HEAD
    PyObject *prim, *name;
    int arity, swapped;
    vectorcallfunc vectorcall;
} OperatorMethod;

static PyObject *
operator_method_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    OperatorMethod *method = (OperatorMethod *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs != method->arity || (kwnames != NULL && PyTuple_GET_SIZE(kwnames))) {
        PyErr_Format(PyExc_TypeError, "%U takes %d argument%s (%zd given)", method->name,
                     method->arity - 1, method->arity == 2 ? "" : "s", nargs - 1);
        return NULL;
    }
    if (refuse_unconfigured() < 0)
        return NULL;
    PyObject *inputs = PyTuple_New(nargs);
    if (inputs == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < nargs; i++)
        PyTuple_SET_ITEM(inputs, i, Py_NewRef(args[method->swapped ? nargs - 1 - i : i]));
    PyObject *result = record_now(method->prim, inputs, empty_params);
    Py_DECREF(inputs);
    return result;
}

static PyObject *
operator_method_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *prim, *name;
    int arity, swapped;
    static char *keywords[] = {"prim", "arity", "swapped", "name", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OipU:OperatorMethod", keywords, &prim,
                                     &arity, &swapped, &name))
        return NULL;
    if (arity != 1 && arity != 2) {
        PyErr_SetString(PyExc_ValueError, "OperatorMethod: arity is 1 (unary) or 2 (binary)");
        return NULL;
    }
    OperatorMethod *method = (OperatorMethod *)type->tp_alloc(type, 0);
    if (method == NULL)
        return NULL;
    method->prim = Py_NewRef(prim);
    method->name = Py_NewRef(name);
    method->arity = arity;
    method->swapped = swapped && arity == 2;
    method->vectorcall = operator_method_call;
    return (PyObject *)method;
}

/* t.__add__ reads as a method bound to t, as a function's would. */
static PyObject *
operator_method_get(PyObject *self, PyObject *obj, PyObject *type)
{
    if (obj == NULL || obj == Py_None)
        return Py_NewRef(self);
    return PyMethod_New(self, obj);
}

static int
operator_method_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(((OperatorMethod *)self)->prim);
    return 0;
}

static int
operator_method_clear(PyObject *self)
{
    Py_CLEAR(((OperatorMethod *)self)->prim);
    return 0;
}

static void
operator_method_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    operator_method_clear(self);
    Py_CLEAR(((OperatorMethod *)self)->name);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *
operator_method_repr(PyObject *self)
{
    OperatorMethod *method = (OperatorMethod *)self;
    return PyUnicode_FromFormat("<operator %U of Tensor: %R>", method->name, method->prim);
}

static PyMemberDef operator_method_members[] = {
    {"__name__", T_OBJECT, offsetof(OperatorMethod, name), READONLY, NULL},
    {"prim", T_OBJECT, offsetof(OperatorMethod, prim), READONLY,
     PyDoc_STR("the primitive the operator records")},
    {NULL},
};

static PyTypeObject OperatorMethodType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "chainrule._core.OperatorMethod",
    .tp_doc = PyDoc_STR("OperatorMethod(prim, arity, swapped, name): a Tensor operator that "
                        "records prim on its operands."),
    .tp_basicsize = sizeof(OperatorMethod),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
                Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_vectorcall_offset = offsetof(OperatorMethod, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_descr_get = operator_method_get,
    .tp_new = operator_method_new,
    .tp_traverse = operator_method_traverse,
    .tp_clear = operator_method_clear,
    .tp_dealloc = operator_method_dealloc,
    .tp_repr = operator_method_repr,
    .tp_members = operator_method_members,
};

/* ---- rule forms: a linear map's adjoint, an elementwise derivative ------------------------ */

/* rule_forms.adjoint_rule and rule_forms.derivative_rule: a rule built from a function of the
 * op's own math, called without a Python frame in between. */
typedef struct {
    PyObject_HEAD
    PyObject *function;
    vectorcallfunc vectorcall;
} RuleForm;

#define ON_STACK 8

static PyTypeObject DerivativeRuleType;

/* AdjointRule: (grad_out, out, *inputs, **params) → adjoint(grad_out, *inputs, **params); the
 * ``out`` that a linear map's adjoint never reads is dropped. */
static PyObject *
adjoint_rule_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 2) {
        PyErr_SetString(PyExc_TypeError,
                        "a rule takes (grad_out, out, *inputs, **params): out is missing");
        return NULL;
    }
    /* args holds the positional arguments, then the keyword arguments' values */
    Py_ssize_t given = nargs + (kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames));
    PyObject *stack[ON_STACK], **passed = stack;
    if (given - 1 > ON_STACK && (passed = PyMem_Malloc((given - 1) * sizeof(PyObject *))) == NULL)
        return PyErr_NoMemory();
    passed[0] = args[0];  /* grad_out; args[1], out, is dropped */
    for (Py_ssize_t i = 2; i < given; i++)
        passed[i - 1] = args[i];
    PyObject *result = PyObject_Vectorcall(((RuleForm *)self)->function, passed, nargs - 1,
                                           kwnames);
    if (passed != stack)
        PyMem_Free(passed);
    return result;
}

/* DerivativeRule: (grad_out, out, x) → grad_out * derivative(x, out), the VJP of a unary
 * elementwise op; the same form, (x_dot, out, x) → x_dot * derivative(x, out), is its JVP. */
static PyObject *
derivative_rule_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) != 3 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError,
                        "an elementwise op's rule takes (grad_out, out, x) and no parameters");
        return NULL;
    }
    PyObject *passed[2] = {args[2], args[1]};  /* derivative(x, out) */
    PyObject *derivative = PyObject_Vectorcall(((RuleForm *)self)->function, passed, 2, NULL);
    if (derivative == NULL)
        return NULL;
    PyObject *result = PyNumber_Multiply(args[0], derivative);
    Py_DECREF(derivative);
    return result;
}

static PyObject *
rule_form_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *function;
    if (kwargs != NULL && PyDict_GET_SIZE(kwargs)) {
        PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", type->tp_name);
        return NULL;
    }
    if (!PyArg_UnpackTuple(args, type->tp_name, 1, 1, &function))
        return NULL;
    if (!PyCallable_Check(function)) {
        PyErr_Format(PyExc_TypeError, "%s(function): the function must be callable",
                     type->tp_name);
        return NULL;
    }
    RuleForm *rule = (RuleForm *)type->tp_alloc(type, 0);
    if (rule == NULL)
        return NULL;
    rule->function = Py_NewRef(function);
    rule->vectorcall = PyObject_TypeCheck(rule, &DerivativeRuleType) ? derivative_rule_call
                                                                      : adjoint_rule_call;
    return (PyObject *)rule;
}

static int
rule_form_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(((RuleForm *)self)->function);
    return 0;
}

static int
rule_form_clear(PyObject *self)
{
    Py_CLEAR(((RuleForm *)self)->function);
    return 0;
}

static void
rule_form_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    rule_form_clear(self);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *
rule_form_repr(PyObject *self)
{
    return PyUnicode_FromFormat("%s(%R)", Py_TYPE(self)->tp_name, ((RuleForm *)self)->function);
}

static PyMemberDef adjoint_rule_members[] = {
    {"adjoint", T_OBJECT_EX, offsetof(RuleForm, function), READONLY,
     PyDoc_STR("adjoint(grad_out, *inputs, **params), which the rule calls")},
    {NULL},
};

static PyMemberDef derivative_rule_members[] = {
    {"derivative", T_OBJECT_EX, offsetof(RuleForm, function), READONLY,
     PyDoc_STR("derivative(x, out), which the rule multiplies by")},
    {NULL},
};

#define RULE_FORM_TYPE(type_name, doc_text, members_table) {                                  \
    PyVarObject_HEAD_INIT(NULL, 0)                                                             \
    .tp_name = type_name,                                                                      \
    .tp_doc = PyDoc_STR(doc_text),                                                             \
    .tp_basicsize = sizeof(RuleForm),                                                          \
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,          \
    .tp_vectorcall_offset = offsetof(RuleForm, vectorcall),                                    \
    .tp_call = PyVectorcall_Call,                                                              \
    .tp_new = rule_form_new,                                                                   \
    .tp_traverse = rule_form_traverse,                                                         \
    .tp_clear = rule_form_clear,                                                               \
    .tp_dealloc = rule_form_dealloc,                                                           \
    .tp_repr = rule_form_repr,                                                                 \
    .tp_members = members_table,                                                               \
}

static PyTypeObject AdjointRuleType = RULE_FORM_TYPE(
    "chainrule._core.AdjointRule",
    "AdjointRule(adjoint): the rule (grad_out, out, *inputs, **params) that calls "
    "adjoint(grad_out, *inputs, **params).",
    adjoint_rule_members);

static PyTypeObject DerivativeRuleType = RULE_FORM_TYPE(
    "chainrule._core.DerivativeRule",
    "DerivativeRule(derivative): the rule (grad_out, out, x) that returns "
    "grad_out * derivative(x, out).",
    derivative_rule_members);

/* ---- the plain reverse sweep --------------------------------------------------------------- */

/* The nodes waiting in a sweep, latest first: a binary max-heap on ``seq`` (heapq's order on
 * (-seq, node) pairs, without a pair and a negated number for every push). It holds a
 * reference to each node. */
typedef struct {
    long long seq;
    PyObject *node;
} Waiting;

typedef struct {
    Waiting *items;
    Py_ssize_t size, capacity;
} Heap;

static int
heap_push(Heap *heap, PyObject *node)
{
    long long seq = PyLong_AsLongLong(SLOT(node, n_seq));
    if (seq == -1 && PyErr_Occurred())
        return -1;
    if (heap->size == heap->capacity) {
        Py_ssize_t capacity = heap->capacity ? 2 * heap->capacity : 64;
        Waiting *items = PyMem_Realloc(heap->items, capacity * sizeof(Waiting));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        heap->items = items;
        heap->capacity = capacity;
    }
    Py_ssize_t i = heap->size++;
    while (i > 0 && heap->items[(i - 1) / 2].seq < seq) {  /* sift the gap up */
        heap->items[i] = heap->items[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    Py_INCREF(node);
    heap->items[i].seq = seq;
    heap->items[i].node = node;
    return 0;
}

/* The latest node (a reference the caller owns); the heap must not be empty. */
static PyObject *
heap_pop(Heap *heap)
{
    PyObject *top = heap->items[0].node;
    Waiting last = heap->items[--heap->size];
    Py_ssize_t i = 0, n = heap->size;
    for (;;) {  /* sift the gap down */
        Py_ssize_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && heap->items[child + 1].seq > heap->items[child].seq)
            child++;
        if (heap->items[child].seq <= last.seq)
            break;
        heap->items[i] = heap->items[child];
        i = child;
    }
    if (n)
        heap->items[i] = last;
    return top;
}

static void
heap_clear(Heap *heap)
{
    for (Py_ssize_t i = 0; i < heap->size; i++)
        Py_DECREF(heap->items[i].node);
    PyMem_Free(heap->items);
    heap->items = NULL;
    heap->size = heap->capacity = 0;
}

/* propagate(node, grad_out, grads, pending, useful) without an observer or a recorded sweep. */
/* A NumPy gradient of x's dtype summed over the axes that broadcasting x added or stretched,
 * where fit.unbroadcast has met this pair of shapes (its table gives the axes); NULL with no
 * error where it has not, or where the sum is not x's shape (a reshape the Python path does). */
static PyObject *
summed_by_known_axes(PyObject *contribution, PyObject *its_shape, PyObject *shape)
{
    PyObject *key = PyTuple_Pack(2, its_shape, shape);
    if (key == NULL)
        return NULL;
    PyObject *axes = PyDict_GetItemWithError(fit_axes, key);  /* borrowed */
    Py_DECREF(key);
    if (axes == NULL || !PyTuple_Check(axes) || PyTuple_GET_SIZE(axes) == 0)
        return NULL;
    Py_INCREF(axes);
    PyObject *sum = PyObject_CallFunctionObjArgs(add_reduce, contribution, axes, NULL);
    Py_DECREF(axes);
    if (sum == NULL)
        return NULL;
    PyObject *summed_shape = PyObject_GetAttr(sum, s_shape);
    int fits = summed_shape == NULL ? -1 : PyObject_RichCompareBool(summed_shape, shape, Py_EQ);
    Py_XDECREF(summed_shape);
    if (fits <= 0)
        Py_CLEAR(sum);
    return sum;
}

/* A rule's contribution fitted to its input x (fit.fit_gradient): unchanged where shape and
 * dtype agree; a NumPy gradient that broadcasting stretched summed here, as fit.unbroadcast
 * sums it; every other case by fit_gradient. A new reference; NULL on error. */
static PyObject *
fit(PyObject *contribution, PyObject *x)
{
    PyObject *a = PyObject_GetAttr(contribution, s_shape);
    PyObject *b = a == NULL ? NULL : PyObject_GetAttr(x, s_shape);
    int same_shape = b == NULL ? -1 : PyObject_RichCompareBool(a, b, Py_EQ);
    PyObject *fitted = NULL;
    if (same_shape >= 0) {
        PyObject *c = PyObject_GetAttr(contribution, s_dtype);
        PyObject *d = c == NULL ? NULL : PyObject_GetAttr(x, s_dtype);
        if (d != NULL && c == d) {
            if (same_shape)
                fitted = Py_NewRef(contribution);
            else if (Py_TYPE(contribution) == (PyTypeObject *)ndarray)
                fitted = summed_by_known_axes(contribution, a, b);
        }
        Py_XDECREF(c);
        Py_XDECREF(d);
        if (fitted == NULL && !PyErr_Occurred())
            fitted = PyObject_CallFunctionObjArgs(fit_gradient, contribution, x, NULL);
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    return fitted;
}

static int
propagate(PyObject *node, PyObject *grad_out, PyObject *grads, Heap *pending,
          PyObject *useful)
{
    PyObject *inputs = SLOT(node, n_inputs);
    PyObject *epoch = SLOT(node, n_epoch);
    PyObject *now = PyObject_GetAttr(mutation, s_epoch);
    if (now == NULL)
        return -1;
    int same = inputs != NULL && inputs != Py_None && epoch != NULL
        ? PyObject_RichCompareBool(epoch, now, Py_EQ) : 0;
    Py_DECREF(now);
    if (same < 0)
        return -1;
    if (!same) {  /* freed by an earlier sweep, or written in place since recorded */
        PyObject *checked = PyObject_CallOneArg(check_saved, node);
        if (checked == NULL)
            return -1;
        Py_DECREF(checked);
    }
    PyObject *prim = SLOT(node, n_prim);
    PyObject *vjps = PyObject_GetAttr(prim, s_vjps);
    if (vjps == NULL)
        return -1;
    if (vjps == Py_None) {  /* recorded for its value only */
        Py_DECREF(vjps);
        return 0;
    }
    PyObject *out, *saved = NULL;
    PyObject *raw = SLOT(node, n_raw);
    if (raw == NULL || raw == Py_None) {
        saved = PyObject_CallFunctionObjArgs(saved_values, node, Py_False, NULL);
        if (saved == NULL) {
            Py_DECREF(vjps);
            return -1;
        }
        inputs = PyTuple_GET_ITEM(saved, 0);
        out = PyTuple_GET_ITEM(saved, 1);
    }
    else {
        inputs = raw;
        out = SLOT(node, n_out);
    }
    int status = -1;
    PyObject *params = SLOT(node, n_params);
    PyObject *parents = PySequence_Fast(SLOT(node, n_parents), "parents");
    PyObject *values = parents == NULL ? NULL : PySequence_Fast(inputs, "inputs");
    PyObject *call = NULL;
    if (values == NULL)
        goto done;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(values);
    /* The rule's arguments: (grad_out, out, *inputs). */
    call = PyTuple_New(n + 2);
    if (call == NULL)
        goto done;
    Py_INCREF(grad_out);
    PyTuple_SET_ITEM(call, 0, grad_out);
    Py_INCREF(out);
    PyTuple_SET_ITEM(call, 1, out);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PySequence_Fast_GET_ITEM(values, i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(call, i + 2, x);
    }
    PyObject *kwargs = params != NULL && PyDict_Check(params) && PyDict_GET_SIZE(params)
        ? params : NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(parents);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *parent = PySequence_Fast_GET_ITEM(parents, i);
        if (parent == Py_None)
            continue;
        if (!PyObject_TypeCheck(parent, NodeType)) {
            PyErr_SetString(PyExc_TypeError, "a node's parents must be nodes or None");
            goto done;
        }
        if (useful != Py_None) {
            int wanted = PySequence_Contains(useful, parent);
            if (wanted < 0)
                goto done;
            if (!wanted)
                continue;
        }
        PyObject *rule;
        if (PyTuple_CheckExact(vjps) && i < PyTuple_GET_SIZE(vjps)) {
            rule = PyTuple_GET_ITEM(vjps, i);
            Py_INCREF(rule);
        }
        else {  /* a variadic primitive's rules, made per input */
            PyObject *index = PyLong_FromSsize_t(i);
            rule = index == NULL ? NULL : PyObject_GetItem(vjps, index);
            Py_XDECREF(index);
            if (rule == NULL)
                goto done;
        }
        if (rule == Py_None) {
            Py_DECREF(rule);
            continue;
        }
        PyObject *x = PySequence_Fast_GET_ITEM(values, i);
        /* The rule of a derivative of 1 (add's) would only hand grad_out back. */
        PyObject *contribution = rule == passes_unchanged ? Py_NewRef(grad_out)
            : PyObject_Call(rule, call, kwargs);
        Py_DECREF(rule);
        if (contribution == NULL) {
            name_backend_error(prim, values);
            goto done;
        }
        /* Two NumPy scalars of one type share shape and dtype: no comparison. */
        int fits = Py_TYPE(contribution) == Py_TYPE(x);
        if (fits) {
            fits = PyObject_IsInstance(x, numpy_generic);
            if (fits < 0) {
                Py_DECREF(contribution);
                goto done;
            }
        }
        if (!fits) {
            PyObject *fitted = fit(contribution, x);
            Py_DECREF(contribution);
            if (fitted == NULL)
                goto done;
            contribution = fitted;
        }
        PyObject *previous = PyDict_GetItemWithError(grads, parent);  /* borrowed */
        int stored;
        if (previous == NULL) {
            if (PyErr_Occurred()) {
                Py_DECREF(contribution);
                goto done;
            }
            stored = PyDict_SetItem(grads, parent, contribution);
            if (stored == 0 && SLOT(parent, n_prim) != Py_None)  /* a leaf's sum waits */
                stored = heap_push(pending, parent);
        }
        else {
            Py_INCREF(previous);
            PyObject *total = PyNumber_Add(previous, contribution);
            Py_DECREF(previous);
            stored = total == NULL ? -1 : PyDict_SetItem(grads, parent, total);
            Py_XDECREF(total);
        }
        Py_DECREF(contribution);
        if (stored < 0)
            goto done;
    }
    status = 0;
done:
    Py_XDECREF(call);
    Py_XDECREF(values);
    Py_XDECREF(parents);
    Py_XDECREF(saved);
    Py_DECREF(vjps);
    return status;
}

static int
release(PyObject *node)
{
    if (Py_TYPE(node) != NodeType) {  /* a subclass may release more (OutputNode) */
        PyObject *done = PyObject_CallMethodNoArgs(node, s_release);
        Py_XDECREF(done);
        return done == NULL ? -1 : 0;
    }
    set_slot(node, n_inputs, Py_None);
    set_slot(node, n_raw, Py_None);
    set_slot(node, n_out, Py_None);
    set_slot(node, n_tangents, Py_None);
    set_slot(node, n_owners, Py_None);
    return 0;
}

/* The loop of reverse.sweep on the nodes in ``waiting`` (emptied, as the Python loop empties
 * its heap, unless it fails); -1 on error. */
static int
run_sweep(Heap *waiting, PyObject *grads, PyObject *found, PyObject *targets, PyObject *useful,
          int retain)
{
    int failed = 0;
    while (!failed && waiting->size) {
        PyObject *node = heap_pop(waiting);
        PyObject *grad_out = PyDict_GetItemWithError(grads, node);
        if (grad_out == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetObject(PyExc_KeyError, node);
            Py_DECREF(node);
            failed = 1;
            break;
        }
        Py_INCREF(grad_out);
        failed = PyDict_DelItem(grads, node) < 0;
        if (!failed) {
            int gathered = SLOT(node, n_prim) == Py_None;
            if (!gathered && targets != Py_None)
                gathered = PySequence_Contains(targets, node);
            if (gathered < 0)
                failed = 1;
            else if (gathered)
                failed = PyDict_SetItem(found, node, grad_out) < 0;
            else
                failed = propagate(node, grad_out, grads, waiting, useful) < 0 ||
                         (!retain && release(node) < 0);
        }
        Py_DECREF(grad_out);
        Py_DECREF(node);
    }
    return failed ? -1 : 0;
}

/* sweep_loop(pending, grads, found, targets, useful, retain_graph): the loop of reverse.sweep
 * for a sweep that no observer watches and that records nothing. */
static PyObject *
core_sweep_loop(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6 || !PyList_Check(args[0]) || !PyDict_Check(args[1]) || !PyDict_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError,
                        "sweep_loop(pending: list, grads: dict, found: dict, targets, useful, "
                        "retain_graph)");
        return NULL;
    }
    PyObject *pending = args[0], *grads = args[1], *found = args[2], *targets = args[3],
             *useful = args[4];
    if (refuse_unconfigured() < 0)
        return NULL;
    int retain = PyObject_IsTrue(args[5]);
    if (retain < 0)
        return NULL;
    /* The seeded nodes move from heapq's list to the heap here; the list ends empty, as the
     * Python loop leaves it. */
    Heap waiting = {NULL, 0, 0};
    Py_ssize_t seeded = PyList_GET_SIZE(pending);
    for (Py_ssize_t i = 0; i < seeded; i++) {
        PyObject *entry = PyList_GET_ITEM(pending, i);
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2 ||
                !PyObject_TypeCheck(PyTuple_GET_ITEM(entry, 1), NodeType)) {
            PyErr_SetString(PyExc_TypeError, "the sweep's heap holds (-seq, node) pairs");
            heap_clear(&waiting);
            return NULL;
        }
        if (heap_push(&waiting, PyTuple_GET_ITEM(entry, 1)) < 0) {
            heap_clear(&waiting);
            return NULL;
        }
    }
    if (PyList_SetSlice(pending, 0, seeded, NULL) < 0) {
        heap_clear(&waiting);
        return NULL;
    }
    int failed = run_sweep(&waiting, grads, found, targets, useful, retain);
    heap_clear(&waiting);
    if (failed < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* ---- after the sweep: the leaves' .grad, and plain descent --------------------------------- */

/* Whether ``grad`` can become a leaf's .grad as it is: a NumPy array of its own (not a view),
 * writeable, and not handed to another leaf already (reverse.accumulate's first case). */
static int
is_own_array(PyObject *grad, PyObject *handed_out, PyObject **id)
{
    *id = NULL;
    if (Py_TYPE(grad) != (PyTypeObject *)ndarray)
        return 0;
    PyObject *base = PyObject_GetAttr(grad, s_base);
    if (base == NULL)
        return -1;
    int viewless = base == Py_None;
    Py_DECREF(base);
    if (!viewless)
        return 0;
    PyObject *flags = PyObject_GetAttr(grad, s_flags);
    int writeable = flags == NULL ? -1 : attr_true(flags, s_writeable);
    Py_XDECREF(flags);
    if (writeable <= 0)
        return writeable;
    if ((*id = PyLong_FromVoidPtr(grad)) == NULL)
        return -1;
    int taken = PySet_Contains(handed_out, *id);
    if (taken != 0) {
        Py_CLEAR(*id);
        return taken < 0 ? -1 : 0;
    }
    return 1;
}

/* reverse.backward's last loop for a backward pass that records nothing: each leaf's gradient
 * in ``found`` goes to its tensor's .grad, as accumulate(leaf.grad, grad, False, handed_out)
 * would put it; its first case (the usual one of a training step) is taken here, every other
 * by accumulate itself. -1 on error. */
static int
fill_leaf_grads(PyObject *found, PyObject *handed_out, PyObject *leaf_class, PyObject *accumulate)
{
    PyTypeObject *leaf_type = (PyTypeObject *)leaf_class;
    static PyTypeObject *known_leaf_type = NULL;
    static Py_ssize_t tensor_ref;
    if (leaf_type != known_leaf_type) {
        Py_ssize_t offset = slot_offset(leaf_class, "tensor_ref");
        if (offset < 0)
            return -1;
        tensor_ref = offset;
        known_leaf_type = leaf_type;
    }
    Py_ssize_t position = 0;
    PyObject *node, *grad;
    while (PyDict_Next(found, &position, &node, &grad)) {
        if (Py_TYPE(node) != leaf_type)
            continue;
        PyObject *ref = SLOT(node, tensor_ref);
        if (ref == NULL || !PyWeakref_CheckRef(ref))
            continue;
        PyObject *leaf = PyWeakref_GetObject(ref);  /* borrowed */
        if (leaf == NULL)
            return -1;
        if (leaf == Py_None)
            continue;
        Py_INCREF(leaf);
        Py_INCREF(grad);  /* accumulate is Python: keep both alive across it */
        PyObject *total = SLOT(leaf, t_grad), *id = NULL, *filled = NULL;
        int own = total == NULL || total == Py_None ? is_own_array(grad, handed_out, &id) : 0;
        if (own > 0) {
            if (PySet_Add(handed_out, id) == 0)
                filled = make_tensor(grad, Py_None);
        }
        else if (own == 0) {
            filled = PyObject_CallFunctionObjArgs(accumulate, total == NULL ? Py_None : total,
                                                  grad, Py_False, handed_out, NULL);
        }
        if (filled != NULL)
            set_slot(leaf, t_grad, filled);
        Py_XDECREF(id);
        Py_XDECREF(filled);
        Py_DECREF(grad);
        Py_DECREF(leaf);
        if (filled == NULL)
            return -1;
    }
    return 0;
}

/* fill_grads(found, handed_out, LeafNode, accumulate): fill_leaf_grads, for reverse.backward. */
static PyObject *
core_fill_grads(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyDict_Check(args[0]) || !PySet_Check(args[1]) || !PyType_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError,
                        "fill_grads(found: dict, handed_out: set, LeafNode, accumulate)");
        return NULL;
    }
    if (refuse_unconfigured() < 0)
        return NULL;
    if (fill_leaf_grads(args[0], args[1], args[2], args[3]) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* The seed of a one-value output of dtype ``dtype``: dtype.type(1), as seed_for makes it. The
 * last one is kept: a number is immutable, and NumPy's built-in dtypes are single objects, so
 * a training loop makes it once. A new reference; NULL on error. */
static PyObject *
seed_of(PyObject *dtype)
{
    static PyObject *last_dtype = NULL, *last_seed = NULL;
    if (dtype != last_dtype) {
        PyObject *scalar_type = PyObject_GetAttrString(dtype, "type");
        PyObject *one = scalar_type == NULL ? NULL : PyLong_FromLong(1);
        PyObject *seed = one == NULL ? NULL : PyObject_CallOneArg(scalar_type, one);
        Py_XDECREF(one);
        Py_XDECREF(scalar_type);
        if (seed == NULL)
            return NULL;
        Py_INCREF(dtype);
        Py_XSETREF(last_dtype, dtype);
        Py_XSETREF(last_seed, seed);
    }
    return Py_NewRef(last_seed);
}

/* The state a plain sweep runs in, state.sweeping(False), kept for the last state it was made
 * from (States never change). A new reference; NULL on error. */
static PyObject *
sweeping_state(PyObject *state)
{
    static PyObject *from = NULL, *sweeping = NULL;
    if (state != from) {
        PyObject *made = PyObject_CallMethod(state, "sweeping", "O", Py_False);
        if (made == NULL)
            return NULL;
        Py_INCREF(state);
        Py_XSETREF(from, state);
        Py_XSETREF(sweeping, made);
    }
    return Py_NewRef(sweeping);
}

/* plain_backward(tensor, LeafNode, accumulate): reverse.backward(tensor) without a gradient,
 * a retained graph or a recorded sweep, for its usual case: a one-value output recorded by an
 * op (a loss), no jit trace and no sweep observer. Returns False, having done nothing, for
 * every other case, which reverse.backward then takes. */
static PyObject *
core_plain_backward(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyType_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "plain_backward(tensor, LeafNode, accumulate)");
        return NULL;
    }
    if (refuse_unconfigured() < 0)
        return NULL;
    PyObject *tensor = args[0];
    if (!is_tensor(tensor))
        Py_RETURN_FALSE;
    PyObject *node = SLOT(tensor, t_node), *data = SLOT(tensor, t_data);
    if (node == NULL || Py_TYPE(node) != NodeType || data == NULL)
        Py_RETURN_FALSE;  /* a leaf, a value-only node, no graph: the Python path */
    PyObject *state = current_state();
    if (state == NULL)
        return NULL;
    StateFlags flags;
    if (flags_of(state, &flags) < 0) {
        Py_DECREF(state);
        return NULL;
    }
    if (flags.traced || flags.observed) {  /* refused in a trace; observers see every step */
        Py_DECREF(state);
        Py_RETURN_FALSE;
    }
    /* One value: a NumPy number, or a 0-d array (other sizes and libraries: Python). */
    int one_value = PyObject_TypeCheck(data, (PyTypeObject *)numpy_generic);
    if (!one_value && Py_TYPE(data) == (PyTypeObject *)ndarray) {
        PyObject *shape = PyObject_GetAttr(data, s_shape);
        if (shape == NULL) {
            Py_DECREF(state);
            return NULL;
        }
        one_value = PyTuple_Check(shape) && PyTuple_GET_SIZE(shape) == 0;
        Py_DECREF(shape);
    }
    if (!one_value) {
        Py_DECREF(state);
        Py_RETURN_FALSE;
    }
    PyObject *dtype = PyObject_GetAttr(data, s_dtype);
    PyObject *seed = dtype == NULL ? NULL : seed_of(dtype);
    Py_XDECREF(dtype);
    PyObject *sweeping = seed == NULL ? NULL : sweeping_state(state);
    Py_DECREF(state);
    if (sweeping == NULL) {
        Py_XDECREF(seed);
        return NULL;
    }
    PyObject *grads = PyDict_New(), *found = PyDict_New(), *handed_out = NULL, *token = NULL;
    Heap waiting = {NULL, 0, 0};
    int failed = grads == NULL || found == NULL || PyDict_SetItem(grads, node, seed) < 0 ||
                 heap_push(&waiting, node) < 0;
    if (!failed) {
        /* reverse.sweep: the sweep runs counted as one, recording nothing */
        token = PyContextVar_Set(state_var, sweeping);
        failed = token == NULL || run_sweep(&waiting, grads, found, Py_None, Py_None, 0) < 0;
        if (token != NULL) {
            PyObject *type, *value, *traceback;
            PyErr_Fetch(&type, &value, &traceback);  /* the state is restored, error or not */
            if (PyContextVar_Reset(state_var, token) < 0) {
                failed = 1;
                Py_XDECREF(type);
                Py_XDECREF(value);
                Py_XDECREF(traceback);
            }
            else
                PyErr_Restore(type, value, traceback);
        }
    }
    heap_clear(&waiting);
    if (!failed)  /* what is left in grads are the leaves' sums */
        failed = PyDict_Update(found, grads) < 0;
    if (!failed) {
        PyObject *seed_id = PyLong_FromVoidPtr(seed);
        handed_out = seed_id == NULL ? NULL : PySet_New(NULL);
        failed = handed_out == NULL || PySet_Add(handed_out, seed_id) < 0 ||
                 fill_leaf_grads(found, handed_out, args[1], args[2]) < 0;
        Py_XDECREF(seed_id);
    }
    Py_XDECREF(handed_out);
    Py_XDECREF(token);
    Py_XDECREF(found);
    Py_XDECREF(grads);
    Py_DECREF(sweeping);
    Py_DECREF(seed);
    if (failed)
        return NULL;
    Py_RETURN_TRUE;
}

/* inplace.mark_written(p, epoch): stamp the write on p's owner (p or its base), and on the
 * node whose saved output it was. */
static int
mark_written(PyObject *p, PyObject *epoch)
{
    PyObject *base = SLOT(p, t_base);
    if (base == NULL || base == Py_None)
        base = p;
    set_slot(base, t_version, epoch);
    PyObject *producer = SLOT(base, t_node);
    if (producer != NULL && producer != Py_None && PyObject_TypeCheck(producer, NodeType)) {
        PyObject *prim = SLOT(producer, n_prim);
        if (prim != NULL && prim != Py_None)
            set_slot(producer, n_clobbered, Py_True);
    }
    return 0;
}

/* descend(params, lr, epoch, update_parameter, settings): SGD._update_group for plain descent
 * θ −= lr·g, the ops of the Python loop (lr * g, then -=) on each parameter with a gradient
 * whose arrays are both NumPy's and of one shape; update_parameter(p, settings, epoch) takes
 * every other. The step's stamp is taken at its first write (mutation.bump()); returns it. */
static PyObject *
core_descend(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError,
                        "descend(params: list, lr, epoch, update_parameter, settings)");
        return NULL;
    }
    if (refuse_unconfigured() < 0)
        return NULL;
    PyObject *params = args[0], *lr = args[1], *update_parameter = args[3], *settings = args[4];
    PyObject *epoch = Py_NewRef(args[2]);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(params); i++) {
        PyObject *p = PyList_GET_ITEM(params, i);
        if (!is_tensor(p)) {
            PyErr_SetString(PyExc_TypeError, "an optimizer's parameters are tensors");
            goto failed;
        }
        PyObject *grad = SLOT(p, t_grad);
        if (grad == NULL || grad == Py_None)
            continue;
        if (epoch == Py_None) {
            Py_SETREF(epoch, PyObject_CallMethodNoArgs(mutation, s_bump));
            if (epoch == NULL)
                return NULL;
        }
        Py_INCREF(p);
        PyObject *data = is_tensor(grad) ? SLOT(p, t_data) : NULL;
        PyObject *g = data == NULL ? NULL : SLOT(grad, t_data);
        int plain = g != NULL && Py_TYPE(data) == (PyTypeObject *)ndarray &&
                    Py_TYPE(g) == (PyTypeObject *)ndarray;
        if (plain) {
            PyObject *a = PyObject_GetAttr(data, s_shape);
            PyObject *b = a == NULL ? NULL : PyObject_GetAttr(g, s_shape);
            plain = b == NULL ? -1 : PyObject_RichCompareBool(a, b, Py_EQ);
            Py_XDECREF(a);
            Py_XDECREF(b);
        }
        PyObject *done = NULL;
        if (plain > 0) {
            Py_INCREF(data);
            Py_INCREF(g);
            PyObject *step = PyNumber_Multiply(lr, g);
            done = step == NULL ? NULL : PyNumber_InPlaceSubtract(data, step);
            Py_XDECREF(step);
            Py_DECREF(g);
            Py_DECREF(data);
            if (done != NULL)
                mark_written(p, epoch);
        }
        else if (plain == 0) {  /* 0-d values, other libraries' arrays, the shape error */
            done = PyObject_CallFunctionObjArgs(update_parameter, p, settings, epoch, NULL);
        }
        Py_DECREF(p);
        if (done == NULL)
            goto failed;
        Py_DECREF(done);
    }
    return epoch;
failed:
    Py_DECREF(epoch);
    return NULL;
}

/* ---- configure: the Python objects this module works with ------------------------------- */

/* The objects configure() takes, by keyword, and where each goes. */
static const struct { const char *name; PyObject **target; } configured_objects[] = {
    {"Tensor", &Tensor}, {"Node", (PyObject **)&NodeType}, {"state_var", &state_var},
    {"apply", &py_apply}, {"record", &py_record}, {"stale_watch", &stale_watch},
    {"numpy_values", &numpy_values}, {"real_scalars", &real_scalars},
    {"numpy_generic", &numpy_generic}, {"sequence", &sequence}, {"mutation", &mutation},
    {"refuse_complex", &refuse_complex}, {"backend_error", &backend_error},
    {"check_saved", &check_saved}, {"saved_values", &saved_values},
    {"fit_gradient", &fit_gradient}, {"ndarray", &ndarray}, {"fit_axes", &fit_axes},
    {"add_reduce", &add_reduce}, {"passes_unchanged", &passes_unchanged},
};

/* The slots record and the sweep read and write, by class, and where each offset goes. */
static const struct { int of_node; const char *name; Py_ssize_t *offset; } slots[] = {
    {0, "_data", &t_data}, {0, "node", &t_node}, {0, "grad", &t_grad},
    {0, "tangents", &t_tangents}, {0, "_version", &t_version}, {0, "_base", &t_base},
    {0, "_rebinds", &t_rebinds}, {0, "_written_as", &t_written_as},
    {0, "_seen_rebinds", &t_seen_rebinds},
    {1, "prim", &n_prim}, {1, "parents", &n_parents}, {1, "inputs", &n_inputs},
    {1, "raw", &n_raw}, {1, "out", &n_out}, {1, "params", &n_params}, {1, "seq", &n_seq},
    {1, "epoch", &n_epoch}, {1, "tangents", &n_tangents}, {1, "clobbered", &n_clobbered},
    {1, "owners", &n_owners},
};

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

static PyObject *
core_configure(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *values[COUNT(configured_objects)];
    if (PyTuple_GET_SIZE(args) || kwargs == NULL ||
            PyDict_GET_SIZE(kwargs) != (Py_ssize_t)COUNT(configured_objects)) {
        PyErr_SetString(PyExc_TypeError, "configure() takes its objects by keyword, all of them");
        return NULL;
    }
    for (size_t i = 0; i < COUNT(configured_objects); i++) {
        values[i] = PyDict_GetItemString(kwargs, configured_objects[i].name);  /* borrowed */
        if (values[i] == NULL) {
            PyErr_Format(PyExc_TypeError, "configure() needs %s", configured_objects[i].name);
            return NULL;
        }
    }
    PyObject *tensor = values[0], *node = values[1];
    if (!PyType_Check(tensor) || !PyType_Check(node)) {
        PyErr_SetString(PyExc_TypeError, "Tensor and Node must be classes");
        return NULL;
    }
    for (size_t i = 0; i < COUNT(slots); i++)
        if ((*slots[i].offset = slot_offset(slots[i].of_node ? node : tensor, slots[i].name)) < 0)
            return NULL;
    for (size_t i = 0; i < COUNT(configured_objects); i++) {
        Py_INCREF(values[i]);
        Py_XSETREF(*configured_objects[i].target, values[i]);
    }
    configured = 1;
    Py_RETURN_NONE;
}

static PyMethodDef core_methods[] = {
    {"configure", (PyCFunction)(void (*)(void))core_configure, METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("Give the module the engine's classes, state and Python fallbacks.")},
    {"record", (PyCFunction)(void (*)(void))core_record, METH_FASTCALL,
     PyDoc_STR("record(prim, args, params): chainrule.primitive.calls.record, compiled.")},
    {"fill_grads", (PyCFunction)(void (*)(void))core_fill_grads, METH_FASTCALL,
     PyDoc_STR("fill_grads(found, handed_out, LeafNode, accumulate): each leaf's gradient to "
               "its .grad, after a plain sweep.")},
    {"descend", (PyCFunction)(void (*)(void))core_descend, METH_FASTCALL,
     PyDoc_STR("descend(params, lr, epoch, update_parameter, settings): a group's plain SGD "
               "update; returns the step's in-place stamp.")},
    {"plain_backward", (PyCFunction)(void (*)(void))core_plain_backward, METH_FASTCALL,
     PyDoc_STR("plain_backward(tensor, LeafNode, accumulate): reverse.backward of a one-value "
               "output, compiled; False (nothing done) for every case it leaves to Python.")},
    {"sweep_loop", (PyCFunction)(void (*)(void))core_sweep_loop, METH_FASTCALL,
     PyDoc_STR("sweep_loop(pending, grads, found, targets, useful, retain_graph): the loop of "
               "a plain reverse sweep, compiled.")},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "chainrule._core",
    .m_doc = PyDoc_STR("The engine's per-op hot path, compiled (optional; see docs/performance.md)."),
    .m_size = -1,
    .m_methods = core_methods,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    struct { PyObject **name; const char *text; } strings[] = {
        {&s_trace, "trace"}, {&s_forward_traces, "forward_traces"}, {&s_op_hooks, "op_hooks"},
        {&s_grad_enabled, "grad_enabled"}, {&s_sweeps, "sweeps"}, {&s_rules, "rules"},
        {&s_keeps_inputs, "keeps_inputs"}, {&s_depth, "depth"}, {&s_vjps, "vjps"},
        {&s_forward, "forward"}, {&s_reads_inputs, "reads_inputs"},
        {&s_supports_complex, "supports_complex"}, {&s_possible, "possible"},
        {&s_epoch, "epoch"}, {&s_prim, "prim"}, {&s_shape, "shape"}, {&s_dtype, "dtype"},
        {&s_in_op, "in_op"}, {&s_name, "name"}, {&s_release, "release"}, {&s_kind, "kind"},
        {&s_base, "base"}, {&s_flags, "flags"}, {&s_writeable, "writeable"}, {&s_bump, "bump"},
        {&s_observers, "observers"},
    };
    for (size_t i = 0; i < COUNT(strings); i++)
        if ((*strings[i].name = PyUnicode_InternFromString(strings[i].text)) == NULL)
            return NULL;
    if ((empty_params = PyDict_New()) == NULL)
        return NULL;
    if (PyType_Ready(&CallableType) < 0 || PyType_Ready(&AdjointRuleType) < 0 ||
            PyType_Ready(&DerivativeRuleType) < 0 || PyType_Ready(&OperatorMethodType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&core_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&CallableType);
    if (PyModule_AddObject(module, "Callable", (PyObject *)&CallableType) < 0) {
        Py_DECREF(&CallableType);
        Py_DECREF(module);
        return NULL;
    }
    PyTypeObject *classes[] = {&AdjointRuleType, &DerivativeRuleType, &OperatorMethodType};
    const char *class_names[] = {"AdjointRule", "DerivativeRule", "OperatorMethod"};
    for (size_t i = 0; i < COUNT(classes); i++) {
        Py_INCREF(classes[i]);
        if (PyModule_AddObject(module, class_names[i], (PyObject *)classes[i]) < 0) {
            Py_DECREF(classes[i]);
            Py_DECREF(module);
            return NULL;
        }
    }
    return module;
}
