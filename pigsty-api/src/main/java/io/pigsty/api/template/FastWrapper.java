package io.pigsty.api.template;

import freemarker.template.DefaultListAdapter;
import freemarker.template.DefaultMapAdapter;
import freemarker.template.DefaultObjectWrapper;
import freemarker.template.SimpleNumber;
import freemarker.template.SimpleScalar;
import freemarker.template.TemplateBooleanModel;
import freemarker.template.TemplateModel;
import freemarker.template.TemplateModelException;
import freemarker.template.Version;
import java.util.List;
import java.util.Map;

/**
 * Freemarker's {@link DefaultObjectWrapper}, answering first, by exact class, for the values template
 * models are made of (strings, integers, booleans, lists and maps), with the very models the default
 * wrapper gives for them. The default wrapper tests each value against a chain of interfaces
 * ({@code TemplateModel}, {@code Collection}, {@code List}, ...), which on the JDK's immutable
 * collections was a tenth of rendering a plan's templates.
 */
final class FastWrapper extends DefaultObjectWrapper {
    private static final int OTHER = 0;
    private static final int LIST = 1;
    private static final int MAP = 2;
    /** What the default wrapper would make of an object of a class: a list or map adapter, or something else. */
    private static final ClassValue<Integer> KIND = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> c) {
            if (c.isArray() || TemplateModel.class.isAssignableFrom(c) || java.util.Date.class.isAssignableFrom(c)) {
                return OTHER;
            }
            if (List.class.isAssignableFrom(c)) {
                return LIST;
            }
            if (Map.class.isAssignableFrom(c) && !java.util.Collection.class.isAssignableFrom(c)) {
                return MAP;
            }
            return OTHER;
        }
    };

    FastWrapper(Version v) {
        super(v);
    }

    @Override
    public TemplateModel wrap(Object obj) throws TemplateModelException {
        if (obj == null) {
            return super.wrap(null);
        }
        Class<?> c = obj.getClass();
        if (c == String.class) {
            return new SimpleScalar((String) obj);
        }
        if (c == Integer.class) {
            return new SimpleNumber((Integer) obj);
        }
        if (c == Boolean.class) {
            return obj.equals(Boolean.TRUE) ? TemplateBooleanModel.TRUE : TemplateBooleanModel.FALSE;
        }
        if (getUseAdaptersForContainers()) {
            int kind = KIND.get(c);
            if (kind == LIST) {
                return DefaultListAdapter.adapt((List<?>) obj, this);
            }
            if (kind == MAP) {
                return DefaultMapAdapter.adapt((Map<?, ?>) obj, this);
            }
        }
        return super.wrap(obj);
    }
}
